import type { KnownBlock } from '@slack/types';

/** Slack's own limits (Block Kit reference). Builders clamp to them; the fake Web API in tests enforces them. */
export const LIMITS = {
  sectionText: 3000,
  contextText: 3000,
  headerText: 150,
  buttonText: 75,
  buttonValue: 2000,
  modalTitle: 24,
  modalBlocks: 100,
  homeBlocks: 100,
  messageBlocks: 50,
  messageText: 40000,
} as const;

/**
 * Escapes the three characters Slack treats as control sequences, so that text from outside (IAM names, user
 * input, AWS answers) cannot ping (`<!channel>`), link (`<https://…|…>`) or mention anyone.
 */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters and line breaks are what is removed
const LINE_BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/**
 * Outside text as inline code: on one line, escaped, and backticks replaced so it cannot close the span early.
 */
export function code(text: string): string {
  return `\`${escapeMrkdwn(text.replace(LINE_BREAKING, ' ').replace(/`/g, "'"))}\``;
}

/**
 * A value from outside — CloudTrail fields a caller chose (user agent …), IAM tags and names, Slack text — as inert
 * text: control characters and line breaks become spaces, it is cut to `max`, and it sits in inline code, so it can
 * neither format (`*bold*`), link (bare URLs, `<…|…>`), mention nor start a line of its own.
 */
export function inert(value: string | undefined, max = 120): string {
  const line = (value ?? '').replace(LINE_BREAKING, ' ').trim();
  return line ? code(clamp(line, max)) : '—';
}

export function codeBlock(text: string): string {
  return `\`\`\`${escapeMrkdwn(text.replace(/```/g, "'''"))}\`\`\``;
}

export function clamp(text: string, max: number): string {
  if (text.length <= max) return text;
  return `${text.slice(0, max - 1)}…`;
}

export function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: clamp(text, LIMITS.sectionText) } };
}

export function context(text: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: clamp(text, LIMITS.contextText) }] };
}

export function header(text: string): KnownBlock {
  return { type: 'header', text: { type: 'plain_text', text: clamp(text, LIMITS.headerText), emoji: true } };
}

export const divider: KnownBlock = { type: 'divider' };

/**
 * A time as Slack shows it to each reader, in their own time zone: a date token with the UTC text as its fallback
 * (for clients and notifications that cannot render it). Only mrkdwn renders tokens: plain text keeps `isoMinute`.
 * https://docs.slack.dev/messaging/formatting-message-text#date-formatting
 */
export type SlackTime = string & { readonly __slackTime: true };

const token = (ms: number, format: string, fallback: string) =>
  `<!date^${Math.floor(ms / 1000)}^${format}|${fallback}>` as SlackTime;

/** A moment to the minute: `2026-06-01 18:00` in the reader's zone; `2026-06-01 09:00 UTC` where tokens don't render. */
export function slackMinute(at: number | Date | undefined): SlackTime {
  if (at === undefined) return '—' as SlackTime;
  const ms = typeof at === 'number' ? at : at.getTime();
  return token(ms, '{date_num} {time}', `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`);
}

/** A day: `2026-06-01` in the reader's zone (the same text as the fallback). */
export function slackDate(at: Date | number | undefined): SlackTime {
  if (at === undefined) return '—' as SlackTime;
  const ms = typeof at === 'number' ? at : at.getTime();
  return token(ms, '{date_num}', new Date(ms).toISOString().slice(0, 10));
}

/** `2026-06-01 09:00` (UTC), or a dash. */
export const isoMinute = (ms: number | undefined) =>
  ms === undefined ? '—' : new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

export const isoDate = (d: Date | undefined) => (d ? d.toISOString().slice(0, 10) : '—');

/** A button: its text and value clamped to Slack's limits (a value longer than 2,000 characters is refused). */
export function button(text: string, actionId: string, value: string, style?: 'primary' | 'danger') {
  return {
    type: 'button' as const,
    text: { type: 'plain_text' as const, text: clamp(text, LIMITS.buttonText) },
    action_id: actionId,
    value: clamp(value, LIMITS.buttonValue),
    ...(style ? { style } : {}),
  };
}
