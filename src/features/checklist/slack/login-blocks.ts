import type { KnownBlock } from '@slack/types';
import type { Messages } from '../../../i18n/messages.js';
import { codeBlock, context, section } from '../../../kernel/slack/mrkdwn.js';
import { awsLoginCommands, CLI_INSTALL_URL } from '../domain/commands.js';

/** `/aws-mfa login`: the keyless way for a console user, filled in with their account and region. */
export function loginBlocks(
  m: Messages,
  options: { accountId: string; region: string; allowed: boolean | undefined },
): KnownBlock[] {
  return [
    section(m.sessionLogin(options.allowed)),
    section(
      `${m.cliInstall(CLI_INSTALL_URL)}\n${codeBlock(awsLoginCommands(options.accountId, options.region))}`,
    ),
    context(m.loginAfter),
  ];
}
