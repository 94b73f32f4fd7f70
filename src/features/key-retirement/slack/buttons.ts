import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { SlackDeps } from '../../../adapters/slack/deps.js';
import { messagesFor } from '../../../i18n/messages.js';
import { code, slackMinute } from '../../../kernel/slack/mrkdwn.js';
import { reactivateRetiredKey } from '../reactivate-key.js';
import { openRetireModal } from './retire-modal.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, replace_original: false, text });
const keyIdOf = (value: string | undefined) => (value ?? '').slice(0, 128);

/** "Deactivate" next to an unused key on the checklist (modal → pushed; Home tab → opened). */
export function createRetireOpenButton(deps: SlackDeps) {
  return async function retireOpenButton({ ack, body, action, client }: Args): Promise<void> {
    await ack();
    await openRetireModal(deps, client, {
      triggerId: body.trigger_id,
      slackUserId: body.user.id,
      push: body.view?.type === 'modal',
      choice: { keyId: keyIdOf(action.value) },
    });
  };
}

/** "Reactivate" in the DM that told the owner their key was switched off. */
export function createRetireReactivateButton(deps: SlackDeps) {
  return async function retireReactivateButton({ ack, body, action, respond }: Args): Promise<void> {
    await ack();
    const m = messagesFor(deps.directory.peek(body.user.id)?.locale);
    const keyId = keyIdOf(action.value);
    const { outcome: result, until } = await reactivateRetiredKey(deps.retire, body.user.id, keyId);
    const text =
      result === 'done'
        ? m.retire.reactivated(code(keyId), slackMinute(until))
        : result === 'not_owner'
          ? m.retire.refused.not_owner
          : result === 'failed'
            ? m.retire.failed
            : result === 'leaked'
              ? m.retire.leakedStaysOff(code(keyId))
              : result === 'once'
                ? m.retire.onceOnly
                : m.retire.notNow;
    if (result === 'not_owner')
      deps.logger.warn(
        { slackUserId: body.user.id, accessKeyId: keyId },
        'reactivation refused: not the owner',
      );
    await respond(ephemeral(text));
  };
}
