import type { KnownBlock } from '@slack/types';
import type { Messages } from '../../../i18n/messages.js';
import type { Checked, StepStatus } from '../../../kernel/domain/types.js';
import { ACTION } from '../../../kernel/slack/action-ids.js';
import { ICON } from '../../../kernel/slack/icons.js';
import {
  clamp,
  code,
  codeBlock,
  context,
  inert,
  LIMITS,
  section,
  slackDate,
  slackMinute,
} from '../../../kernel/slack/mrkdwn.js';
import { distinctAssignments, type IdentityCenterSettings, ssoConfig, ssoLoginCommands } from '../domain.js';
import type { SsoStatus } from '../get-sso-status.js';

/** Profiles shown in full; the rest are counted (a section holds 3,000 characters). */
const PROFILES_SHOWN = 12;

export function ssoStepStatus(status: Checked<SsoStatus>): StepStatus {
  if (status.state !== 'ok') return status.state === 'unknown' ? 'unknown' : 'failed';
  const { user, session } = status.value;
  if (!user) return status.value.waitingUntil !== undefined ? 'unknown' : 'todo';
  if (session.state === 'ok' && session.value) return 'done';
  return session.state === 'ok' ? 'todo' : 'unknown';
}

/**
 * Step 7, IAM Identity Center: whether the person has a user, the `aws configure sso` answers for each account and
 * permission set they are assigned, whether they have used it, and — once they have — a button per active access key
 * to retire it (the owner-confirmed flow of step 3). `/aws-mfa sso` shows the same without the buttons.
 */
export function ssoBlocks(
  m: Messages,
  input: {
    readonly status: Checked<SsoStatus>;
    readonly email: string | undefined;
    readonly settings: IdentityCenterSettings;
    readonly region: string;
    /** Active keys of the person (every account): offered for retirement once they use Identity Center. */
    readonly activeKeys?: readonly string[];
    readonly asStep: boolean;
  },
): KnownBlock[] {
  const status = ssoStepStatus(input.status);
  const title = input.asStep
    ? `${ICON[status]} *${m.sso.title}* — ${m.statusLabel[status]}`
    : `*${m.sso.commandTitle}*`;
  const blocks: KnownBlock[] = [section(`${title}\n${m.sso.intro}`)];
  const s = input.status;
  if (s.state !== 'ok') {
    blocks.push(section(m.couldNotCheck(m.fault(s.reason))));
    return blocks;
  }
  const { user, session } = s.value;
  if (!user && s.value.waitingUntil !== undefined) {
    blocks.push(section(m.sso.waiting(slackMinute(s.value.waitingUntil))));
    return blocks;
  }
  if (!user) {
    blocks.push(section(input.email ? m.sso.noUser(inert(input.email, 120)) : m.sso.noEmail));
    return blocks;
  }
  const assignments = distinctAssignments(user.assignments);
  const used = session.state === 'ok' ? session.value : undefined;
  if (used)
    blocks.push(
      section(m.sso.done(slackDate(used.eventTime), inert(used.roleName, 80), code(used.accountId))),
    );
  else if (session.state !== 'ok') blocks.push(context(m.sso.unknownUse));
  if (assignments.length === 0) {
    blocks.push(section(m.sso.noAssignments(inert(user.userName, 80))));
    return blocks;
  }
  if (!used || !input.asStep) {
    const shown = assignments.slice(0, PROFILES_SHOWN);
    blocks.push(
      section(
        `${m.sso.todo(inert(user.userName, 80), assignments.length)}\n${codeBlock(ssoConfig(input.settings, shown, input.region))}`,
      ),
      section(`${m.sso.login}\n${codeBlock(ssoLoginCommands(input.settings, shown))}`),
    );
    if (assignments.length > shown.length)
      blocks.push(context(m.sso.more(assignments.length - shown.length)));
  }
  if (used && input.asStep) {
    const keys = input.activeKeys ?? [];
    if (keys.length === 0) blocks.push(context(m.sso.noKeys));
    else {
      blocks.push(section(m.sso.retireOffer));
      blocks.push({
        type: 'actions',
        elements: keys.slice(0, 5).map((keyId) => ({
          type: 'button' as const,
          action_id: `${ACTION.retireOpen}:sso:${keyId}`,
          style: 'danger' as const,
          text: { type: 'plain_text' as const, text: clamp(m.sso.retireButton(keyId), LIMITS.buttonText) },
          value: keyId,
        })),
      });
    }
  }
  return blocks;
}
