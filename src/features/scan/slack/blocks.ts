import type { KnownBlock } from '@slack/types';
import type { Messages } from '../../../i18n/messages.js';
import type { Finding } from '../../../kernel/domain/findings.js';
import type { KeyUseEventJson } from '../../../kernel/domain/types.js';
import { ACTION } from '../../../kernel/slack/action-ids.js';
import { keyUseLine } from '../../../kernel/slack/key-use.js';
import { button, code, context, header, inert, section } from '../../../kernel/slack/mrkdwn.js';
import type { Digest } from '../ports.js';

/** What a nudge button carries: the finding's subject and, for keys, which key (no secret, no key ID needed). */
export interface NudgeButtonValue {
  readonly subject: string;
  readonly arn: string;
  readonly lastRotated?: string;
}

const nudgeButton = (text: string, actionId: string, value: NudgeButtonValue, style?: 'primary') =>
  button(text, actionId, JSON.stringify(value), style);

export function ruleText(m: Messages, f: Finding): string {
  return m.nudge.rules[f.ruleId](f.days ?? 0);
}

const ROTATABLE = new Set(['key_rotation_due', 'key_rotation_soon', 'key_unused', 'key_quarantined']);
/** An emergency is not put off. */
const UNSNOOZABLE = new Set(['key_quarantined']);
/** Findings about a key nobody needs: the owner may switch it off at once. */
const RETIRABLE = new Set(['key_unused', 'two_active_keys']);

/** The buttons that act on one finding. */
function findingActions(m: Messages, f: Finding): KnownBlock {
  const value: NudgeButtonValue = {
    subject: f.subject,
    arn: f.arn,
    ...(f.key?.lastRotated ? { lastRotated: f.key.lastRotated } : {}),
  };
  return {
    type: 'actions',
    elements: [
      ...(ROTATABLE.has(f.ruleId) ? [nudgeButton(m.nudge.rotate, ACTION.nudgeRotate, value, 'primary')] : []),
      ...(RETIRABLE.has(f.ruleId) ? [nudgeButton(m.retire.button, ACTION.nudgeRetire, value)] : []),
      nudgeButton(m.nudge.checklist, ACTION.nudgeChecklist, value),
      ...(UNSNOOZABLE.has(f.ruleId) ? [] : [nudgeButton(m.nudge.snooze, ACTION.nudgeSnooze, value)]),
      nudgeButton(m.nudge.notMine, ACTION.nudgeNotMine, value),
    ],
  };
}

/** To the security channel, at once: AWS quarantined a user's key. Who owns it, and what happens next. */
export function quarantineAlertMessage(
  m: Messages,
  f: Finding,
  slackUserId: string,
  activity: readonly KeyUseEventJson[] | undefined,
): { text: string; blocks: KnownBlock[] } {
  const text = m.nudge.quarantineAlert(code(f.user), `<@${slackUserId}>`);
  const evidence =
    activity === undefined
      ? m.nudge.quarantineActivityUnknown
      : activity.length === 0
        ? m.nudge.quarantineActivityNone
        : `${m.nudge.quarantineActivity}\n${activity.map((e) => keyUseLine(m, e)).join('\n')}`;
  return {
    text,
    blocks: [section(`:rotating_light: ${text}`), section(evidence), context(m.nudge.quarantineNext)],
  };
}

/** A DM about one finding, with buttons that act on it (what earlier versions queued). */
export function nudgeMessage(m: Messages, f: Finding): { text: string; blocks: KnownBlock[] } {
  return nudgesMessage(m, [f]);
}

/** Findings shown with their own buttons in one message (two blocks each); the rest are summarised. */
export const NUDGE_FINDINGS_SHOWN = 15;

/**
 * One DM per person per scan: every due finding, most severe first, each with its own buttons. Past
 * {@link NUDGE_FINDINGS_SHOWN} the rest are named in one line (Slack allows 50 blocks a message).
 */
export function nudgesMessage(
  m: Messages,
  findings: readonly Finding[],
): { text: string; blocks: KnownBlock[] } {
  const shown = findings.slice(0, NUDGE_FINDINGS_SHOWN);
  const rest = findings.slice(NUDGE_FINDINGS_SHOWN);
  const first = findings[0];
  const text = findings.length === 1 && first ? ruleText(m, first) : m.nudge.summary(findings.length);
  const blocks: KnownBlock[] =
    findings.length > 1 ? [section(`:bell: *${m.nudge.summary(findings.length)}*`)] : [];
  for (const f of shown) {
    blocks.push(
      section(`${findings.length > 1 ? '•' : ':bell:'} ${ruleText(m, f)}\n${m.nudge.forUser(code(f.user))}`),
    );
    blocks.push(findingActions(m, f));
  }
  if (rest.length)
    blocks.push(context(m.nudge.more(rest.length, rest.map((f) => code(f.ruleId)).join(', '))));
  return { text, blocks };
}

const LIST_MAX = 30;
/** Member accounts shown with their own "Delete root credentials" button; the rest are listed (Slack's 50 blocks). */
const ROOT_BUTTONS = 10;
const accountOf = (f: Finding) => f.arn.split(':')[4] ?? '';

function list(m: Messages, items: readonly string[]): string {
  const shown = items.slice(0, LIST_MAX).join(', ');
  return items.length > LIST_MAX ? `${shown} ${m.digest.more(items.length - LIST_MAX)}` : shown;
}

/** The security channel's digest after a scan. Long lists are cut so the message stays inside Slack's limits. */
/**
 * Slack's table block: at most 100 rows of at most 20 cells
 * (https://docs.slack.dev/reference/block-kit/blocks/table-block). The digest sends one table at most.
 */
const TABLE_ROWS = 100;
const TABLE_CELLS = 20;
const cell = (text: string) => ({ type: 'raw_text' as const, text });

/**
 * Findings by account as one table people compare rows in: an account per row (worst first), its total, then a
 * column per rule found anywhere. Undefined where it would pass Slack's limits: the digest then lists them.
 */
function accountTable(m: Messages, accounts: NonNullable<Digest['accounts']>): KnownBlock | undefined {
  const rules = [...new Set(accounts.flatMap((a) => Object.keys(a.counts)))].sort();
  if (accounts.length + 1 > TABLE_ROWS || rules.length + 2 > TABLE_CELLS) return undefined;
  return {
    type: 'table',
    column_settings: [
      { is_wrapped: true },
      ...[m.digest.total, ...rules].map(() => ({ align: 'right' as const })),
    ],
    rows: [
      [m.digest.account, m.digest.total, ...rules].map(cell),
      ...accounts.map((a) =>
        [a.label, String(a.total), ...rules.map((r) => String(a.counts[r] ?? 0))].map(cell),
      ),
    ],
  };
}

export function digestMessage(m: Messages, d: Digest): { text: string; blocks: KnownBlock[] } {
  const rules = Object.keys(d.counts).sort();
  const countLines = rules.map((rule) => {
    const now = d.counts[rule] ?? 0;
    const delta = d.previous ? ` (${m.digest.change(now - (d.previous[rule] ?? 0))})` : '';
    return `• ${code(rule)}: *${now}*${delta}`;
  });
  const blocks: KnownBlock[] = [
    header(m.digest.title),
    context(d.scannedAt.slice(0, 16).replace('T', ' ')),
    section(`*${m.digest.counts}*\n${countLines.length ? countLines.join('\n') : m.digest.none}`),
  ];
  const table = d.accounts && d.accounts.length > 1 ? accountTable(m, d.accounts) : undefined;
  if (d.stages) {
    const order = ['iam_keys', 'iam_mfa_no_keys', 'aws_login', 'identity_center', 'iam_other'] as const;
    // A table people compare rows in — unless the accounts have the message's one table (then the list it was).
    if (table)
      blocks.push(
        section(
          `*${m.digest.stages}*\n${order.map((k) => `• ${m.digest.stage[k]}: *${d.stages?.[k] ?? 0}*`).join('\n')}`,
        ),
      );
    else
      blocks.push(section(`*${m.digest.stages}*`), {
        type: 'table',
        column_settings: [{ is_wrapped: true }, { align: 'right' }],
        rows: order.map((k) => [cell(m.digest.stage[k].replace(/`/g, '')), cell(String(d.stages?.[k] ?? 0))]),
      });
  }
  if (d.accounts && table) blocks.push(section(`*${m.digest.byAccount}*`), table);
  else if (d.accounts && d.accounts.length > 1) {
    const lines = d.accounts.slice(0, LIST_MAX).map(
      (a) =>
        `• ${code(a.label)}: *${a.total}*${
          a.total
            ? ` (${Object.entries(a.counts)
                .sort(([x], [y]) => x.localeCompare(y))
                .map(([rule, n]) => `${code(rule)} ${n}`)
                .join(', ')})`
            : ''
        }`,
    );
    blocks.push(section(`*${m.digest.byAccount}*\n${lines.join('\n')}`));
  }
  if (d.unreadable?.length) {
    const lines = d.unreadable.slice(0, LIST_MAX).map((u) => `• ${code(u.label)} — ${inert(u.reason, 200)}`);
    blocks.push(section(`:warning: *${m.digest.unreadable(d.unreadable.length)}*\n${lines.join('\n')}`));
  }
  if (d.root.length) {
    // Member accounts' root credentials, each with the button that asks for their deletion (two approvals).
    const central = d.root.filter((f) => f.ruleId === 'root_credentials_present');
    const others = d.root.filter((f) => f.ruleId !== 'root_credentials_present');
    const lines = [
      ...others.map((f) => `:rotating_light: ${ruleText(m, f)}`),
      ...central.slice(ROOT_BUTTONS).map((f) => `:rotating_light: ${code(accountOf(f))} — ${ruleText(m, f)}`),
    ];
    blocks.push(section(`*${m.digest.root}*${lines.length ? `\n${lines.join('\n')}` : ''}`));
    for (const f of central.slice(0, ROOT_BUTTONS))
      blocks.push({
        type: 'section',
        text: { type: 'mrkdwn', text: `:rotating_light: ${code(accountOf(f))} — ${ruleText(m, f)}` },
        accessory: button(m.rootDeletion.button, ACTION.rootDeleteRequest, accountOf(f), 'danger'),
      });
  }
  if (d.escalations.length) {
    const lines = d.escalations.map((e) =>
      m.digest.escalation(`<@${e.slackUserId}>`, code(e.finding.user), code(e.finding.ruleId), e.nudges),
    );
    blocks.push(section(`*${m.digest.escalations}*\n${lines.slice(0, LIST_MAX).join('\n')}`));
  }
  if (d.unmapped.length)
    blocks.push(section(`*${m.digest.unmapped(d.unmapped.length)}*\n${list(m, d.unmapped.map(code))}`));
  if (d.exempt.length) {
    blocks.push(
      section(
        `*${m.digest.exempt(d.exempt.length)}*\n${list(
          m,
          d.exempt.map((e) => `${code(e.user)} (${code(e.reason)})`),
        )}`,
      ),
    );
  }
  const total = Object.values(d.counts).reduce((a, b) => a + b, 0);
  return { text: `${m.digest.title}: ${total}`, blocks };
}

export function notMineMessage(
  m: Messages,
  reporter: string,
  iamUserArn: string,
): { text: string; blocks: KnownBlock[] } {
  const text = m.digest.notMine(`<@${reporter}>`, code(iamUserArn));
  return { text, blocks: [section(`:warning: ${text}`)] };
}
