import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { SlackDeps } from '../../../adapters/slack/deps.js';
import { messagesFor } from '../../../i18n/messages.js';
import { code } from '../../../kernel/slack/mrkdwn.js';
import { refusalText as retireRefusalText } from '../../key-retirement/slack/index.js';
import { openRotationModal } from '../../rotation/slack/index.js';
import { deactivatePastedKey } from '../deactivate-pasted-key.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, replace_original: false, text });
const keyIdOf = (value: string | undefined) => (value ?? '').slice(0, 128);

/**
 * "Deactivate now" on a key pasted into Slack: its owner, or an approver (from the security channel) for a key the bot
 * recorded as pasted. No modal: a leaked key goes off at once.
 */
export function createPastedDeactivateButton(deps: SlackDeps) {
  return async function pastedDeactivateButton({ ack, body, action, respond }: Args): Promise<void> {
    await ack();
    const m = messagesFor(deps.directory.peek(body.user.id)?.locale);
    const keyId = keyIdOf(action.value);
    const result = await deactivatePastedKey(deps.deactivatePasted, body.user.id, keyId);
    const text =
      result.kind === 'done'
        ? m.retire.switchedOff(code(keyId), code(result.iamUser))
        : result.kind === 'already'
          ? m.retire.already
          : result.kind === 'failed'
            ? result.reason
              ? m.couldNotCheck(m.fault(result.reason))
              : m.retire.failed
            : result.why === 'not_reported'
              ? m.retire.refused.not_reported
              : retireRefusalText(m, result.why);
    await respond(ephemeral(text));
  };
}

/** "Request rotation" on a pasted key: the rotation modal with that key preselected (only the owner's keys are offered). */
export function createPastedRotateButton(deps: SlackDeps) {
  return async function pastedRotateButton({ ack, body, action, client }: Args): Promise<void> {
    await ack();
    await openRotationModal(deps, client, {
      triggerId: body.trigger_id,
      slackUserId: body.user.id,
      push: false,
      preselect: keyIdOf(action.value),
    });
  };
}
