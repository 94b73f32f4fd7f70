import type { HomeView, KnownBlock } from '@slack/types';
import type { Messages } from '../../../i18n/messages.js';
import type { PolicySource } from '../../../kernel/domain/types.js';
import { ACTION, VIEW } from '../../../kernel/slack/action-ids.js';
import { ICON } from '../../../kernel/slack/icons.js';
import {
  clamp,
  code,
  codeBlock,
  context,
  divider,
  escapeMrkdwn,
  header,
  inert,
  LIMITS,
  section,
  slackDate,
  slackMinute,
} from '../../../kernel/slack/mrkdwn.js';
import type { Checklist, KeySummary, Step } from '../domain/checklist.js';
import {
  awsConfigureCommand,
  awsLoginCommands,
  CLI_INSTALL_URL,
  getSessionTokenCommand,
  mfaLoginCommand,
} from '../domain/commands.js';
import type { PolicyVerdict, UndecidedReason } from '../domain/mfa-policy.js';

/** What the "Show temporary-credential commands" button carries: nothing secret, only the device and region. */
export interface SessionButtonValue {
  readonly serial: string;
  readonly region: string;
  /** No device yet: `serial` is the ARN a new virtual device will get. */
  readonly expected: boolean;
  /** Only a passkey or security key: `aws login` in this account, not get-session-token. */
  readonly passkeyOnly?: boolean;
  readonly accountId?: string;
}

export function policySourceText(m: Messages, source: PolicySource): string {
  switch (source.kind) {
    case 'user-managed':
    case 'user-inline':
      return m.policyVia[source.kind](code(source.policyName));
    case 'group-managed':
    case 'group-inline':
      return m.policyVia[source.kind](code(source.policyName), code(source.groupName));
    case 'boundary':
      return m.policyVia.boundary(code(source.policyName));
  }
}

function undecidedText(m: Messages, reason: UndecidedReason): string {
  if (reason.kind === 'complex') return m.policyReason.complex;
  const policy = policySourceText(m, reason.source);
  switch (reason.kind) {
    case 'unreadable':
      return m.policyReason.unreadable(policy);
    case 'key':
      return m.policyReason.key(policy, inert(reason.key, 128));
    case 'operator':
      return m.policyReason.operator(policy, inert(reason.operator, 128));
    case 'value':
      return m.policyReason.value(policy, inert(reason.key, 128));
  }
}

/** Step 5's answer (also `/aws-mfa policy`'s, after its own opening line for the two plain cases). */
export function policyVerdictText(m: Messages, verdict: PolicyVerdict): string {
  const via = verdict.via.map((s) => policySourceText(m, s)).join(', ');
  switch (verdict.kind) {
    case 'enforced':
      return m.policyDone(via);
    case 'weak':
      return verdict.open === 'accessKey' ? m.policyWeak(via) : m.policyWeakConsole(via);
    case 'denies_all':
      return m.policyDeniesAll(via);
    case 'absent':
      return m.policyTodo;
    case 'undecided':
      return m.policyUndecided(undecidedText(m, verdict.reason));
  }
}

const escapeOptional = (text: string | undefined) => (text === undefined ? undefined : escapeMrkdwn(text));

function keyLine(m: Messages, k: KeySummary): string {
  const used = k.lastUsed
    ? m.keyLastUsed(
        slackDate(k.lastUsed.date),
        escapeOptional(k.lastUsed.serviceName),
        escapeOptional(k.lastUsed.region),
      )
    : m.keyNeverUsed;
  return `• ${m.keyLine(code(k.accessKeyId), k.active, k.ageDays, used)}`;
}

function stepBody(m: Messages, c: Checklist, step: Step, keyMaxAgeDays: number): string[] {
  if (step.fault && (step.status === 'failed' || step.status === 'unknown')) {
    if (step.id === 'session' && step.status === 'unknown') return [m.sessionUnknown];
    return [m.couldNotCheck(m.fault(step.fault))];
  }
  switch (step.id) {
    case 'mfa':
      return step.status === 'done'
        ? [
            m.mfaDone(
              step.devices
                .map((d) => m.mfaDevice(code(d.serialNumber), m.deviceType[d.type], slackDate(d.enableDate)))
                .join(', '),
            ),
          ]
        : [m.mfaTodo];
    case 'app':
      if (step.status !== 'done') return [m.appTodo];
      if (c.passkeyOnly) return [m.appDonePasskey];
      return [step.deviceType === 'hardware' ? m.appDoneHardware : m.appDone(m.deviceType.virtual)];
    case 'keys': {
      if (step.keys.length === 0) return [m.keysNone];
      const lines = step.keys.map((k) => keyLine(m, k));
      if (step.activeCount > 1) lines.push(m.keysTwoActive);
      if (step.keys.some((k) => k.tooOld)) lines.push(m.keysTooOld(keyMaxAgeDays));
      lines.push(`_${m.keysSecretOnce}_`);
      return lines;
    }
    case 'cli':
      return step.status === 'done' && step.lastUsed?.lastUsed
        ? [
            m.cliDone(
              slackDate(step.lastUsed.lastUsed.date),
              escapeOptional(step.lastUsed.lastUsed.serviceName),
            ),
          ]
        : [m.cliTodo, m.cliInstall(CLI_INSTALL_URL), codeBlock(awsConfigureCommand(c.region))];
    case 'policy':
      return [step.verdict ? policyVerdictText(m, step.verdict) : m.policyTodo];
    case 'session': {
      if (step.status === 'done' && step.seen) {
        const when = slackDate(step.seen.eventTime);
        if (step.seen.via === 'get_session_token') return [m.sessionDone(when, inert(step.seen.region, 40))];
        return [m.sessionDoneLogin(when), ...(step.retireKeys ? [m.sessionLoginRetire] : [])];
      }
      // The keyless way first (AWS's recommended one for IAM users); get-session-token only with a device giving codes.
      const login = [
        m.sessionLogin(c.signInAllowed),
        codeBlock(awsLoginCommands(c.user.accountId, c.region)),
      ];
      if (c.passkeyOnly) return [...login, m.sessionPasskeyOnly];
      const lines = [...login, m.sessionTodo, codeBlock(getSessionTokenCommand(c.mfaSerial))];
      if (c.mfaSerialIsExpected) lines.push(m.sessionNeedsMfa);
      else lines.push(m.sessionMfaLogin, codeBlock(mfaLoginCommand(c.mfaSerial)));
      return lines;
    }
  }
}

/** Buttons that act on one step: a lost device (step 1); switching off each unused active key (step 3, two at most). */
function stepActions(m: Messages, step: Step) {
  if (step.id === 'mfa' && step.devices.length > 0)
    return [
      {
        type: 'button' as const,
        action_id: ACTION.lostDeviceOpen,
        text: { type: 'plain_text' as const, text: clamp(m.lostDevice.button, LIMITS.buttonText) },
      },
    ];
  if (step.id === 'session')
    return (step.retireKeys ?? []).slice(0, 2).map((keyId) => ({
      type: 'button' as const,
      action_id: `${ACTION.retireOpen}:login:${keyId}`,
      style: 'danger' as const,
      text: { type: 'plain_text' as const, text: clamp(`${m.retire.button} ${keyId}`, LIMITS.buttonText) },
      value: keyId,
    }));
  if (step.id !== 'keys') return [];
  return step.keys
    .filter((k) => k.active && k.unused)
    .map((k) => ({
      type: 'button' as const,
      action_id: `${ACTION.retireOpen}:${k.accessKeyId}`,
      text: {
        type: 'plain_text' as const,
        text: clamp(`${m.retire.button} ${k.accessKeyId}`, LIMITS.buttonText),
      },
      value: k.accessKeyId,
    }));
}

/** The checklist's blocks, shared by the modal and the App Home tab. Stays well inside 100 blocks (about 20). */
export function checklistBlocks(
  m: Messages,
  c: Checklist,
  options: {
    keyMaxAgeDays: number;
    keyUnusedDays: number;
    checkedAt: Date;
    otherUsers?: readonly string[];
    /** Why key actions are refused for this person right now (a contested or too recent mapping). */
    warning?: string | undefined;
    /** The account as people read it, with its alias: `123456789012 (prod)`. */
    accountLabel?: string;
  },
): KnownBlock[] {
  const blocks: KnownBlock[] = [
    header(m.header),
    section(
      m.summary(
        c.doneCount,
        c.steps.length,
        code(c.user.userName),
        code(options.accountLabel ?? c.user.accountId),
      ),
    ),
  ];
  if (options.warning) blocks.push(section(options.warning));
  else if (options.otherUsers?.length)
    blocks.push(context(m.alsoMapped(options.otherUsers.map(code).join(', '))));
  blocks.push(divider);
  for (const step of c.steps) {
    const title = `${ICON[step.status]} *${m.steps[step.id]}* — ${m.statusLabel[step.status]}`;
    blocks.push(section([title, ...stepBody(m, c, step, options.keyMaxAgeDays)].join('\n')));
    const actions = stepActions(m, step);
    if (actions.length) blocks.push({ type: 'actions', elements: actions });
  }
  blocks.push(divider, section(`*${m.practicesTitle}*`));
  const practiceLines = c.practices.map((p) => {
    const text =
      p.id === 'rotate'
        ? m.practices.rotate(p.attention, options.keyMaxAgeDays)
        : p.id === 'unused'
          ? m.practices.unused(p.attention, options.keyUnusedDays)
          : m.practices[p.id](p.attention);
    return `${p.attention ? ':warning:' : '•'} ${text}`;
  });
  blocks.push(section(practiceLines.join('\n')));
  const value: SessionButtonValue = {
    serial: c.mfaSerial,
    region: c.region,
    expected: c.mfaSerialIsExpected,
    ...(c.passkeyOnly ? { passkeyOnly: true, accountId: c.user.accountId } : {}),
  };
  blocks.push(
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: ACTION.recheck,
          text: { type: 'plain_text', text: m.recheck },
          style: 'primary',
        },
        {
          type: 'button',
          action_id: ACTION.showSession,
          text: { type: 'plain_text', text: clamp(m.showSession, LIMITS.buttonText) },
          value: clamp(JSON.stringify(value), LIMITS.buttonValue),
        },
        {
          type: 'button',
          action_id: ACTION.requestRotation,
          text: { type: 'plain_text', text: clamp(m.rotation.requestButton, LIMITS.buttonText) },
        },
      ],
    },
    context(m.checkedAt(slackMinute(options.checkedAt))),
  );
  return blocks;
}

export function home(blocks: KnownBlock[]): HomeView {
  return { type: 'home', callback_id: VIEW.checklist, blocks: blocks.slice(0, LIMITS.homeBlocks) };
}
