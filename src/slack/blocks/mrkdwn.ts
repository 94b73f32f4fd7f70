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

/** Outside text as inline code: escaped, and backticks removed so it cannot close the span early. */
export function code(text: string): string {
  return `\`${escapeMrkdwn(text.replace(/`/g, "'"))}\``;
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

export const isoDate = (d: Date | undefined) => (d ? d.toISOString().slice(0, 10) : '—');
