import type { KnownBlock } from '@slack/types';
import type { Messages } from '../../../i18n/messages.js';
import { code, codeBlock, context, section } from '../../../kernel/slack/mrkdwn.js';
import { awsLoginCommands, exportSessionSnippet, getSessionTokenCommand } from '../domain/commands.js';

/** The user's own MFA-backed temporary-credential commands (guide step 6). */
export function sessionBlocks(
  m: Messages,
  device: { serial: string; expected: boolean; region: string; accountId?: string; passkeyOnly?: boolean },
): KnownBlock[] {
  // A passkey or security key gives no code: `aws login` is their way, never a command they cannot run.
  if (device.passkeyOnly)
    return [
      section(
        `${m.sessionPasskeyOnly}\n${codeBlock(awsLoginCommands(device.accountId ?? '', device.region))}`,
      ),
    ];
  return [
    section(device.expected ? m.sessionExpected(code(device.serial)) : m.sessionIntro(code(device.serial))),
    section(`${m.sessionStep1}\n${codeBlock(getSessionTokenCommand(device.serial))}`),
    section(`${m.sessionStep2}\n${codeBlock(exportSessionSnippet(device.serial, device.region))}`),
    context(m.sessionFooter),
  ];
}
