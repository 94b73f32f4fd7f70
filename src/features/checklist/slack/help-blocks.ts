import type { KnownBlock } from '@slack/types';
import type { Messages } from '../../../i18n/messages.js';
import { clamp, escapeMrkdwn, section } from '../../../kernel/slack/mrkdwn.js';

/** Usage; with `unknownText`, prefixed by what we did not understand (escaped: it is the user's own text). */
export function helpBlocks(m: Messages, unknownText?: string, options: { sso?: boolean } = {}): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  if (unknownText !== undefined) {
    blocks.push(section(m.unknownCommand(escapeMrkdwn(clamp(unknownText.replace(/`/g, "'"), 100)))));
  }
  // `/aws-mfa sso` only where IAM Identity Center is configured.
  blocks.push(
    section(options.sso ? m.help.replace(/\n(?=[^\n]*\/aws-mfa help)/, `\n${m.helpSso}\n`) : m.help),
  );
  return blocks;
}
