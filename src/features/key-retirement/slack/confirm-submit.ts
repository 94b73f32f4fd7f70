import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { SlackDeps } from '../../../adapters/slack/deps.js';
import { messagesFor } from '../../../i18n/messages.js';
import { ownedKey, retireKey } from '../retire-key.js';
import { refusalText } from './retire-modal.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * Confirming the modal switches the key off at once. The modal named the key; whether the submitter owns it is checked
 * again now. The outcome is a DM (with Reactivate) from the outbox, or a DM saying why not.
 */
export function createRetireConfirmSubmit(deps: SlackDeps) {
  return async function retireConfirmSubmit({ ack, body, view, client }: Args): Promise<void> {
    await ack();
    const clicker = body.user.id;
    const m = messagesFor(deps.directory.peek(clicker)?.locale);
    const keyId = view.private_metadata.slice(0, 128);
    const owned = await ownedKey(deps.retire, clicker, keyId);
    let text: string | undefined;
    if (owned.kind === 'failed') text = m.couldNotCheck(m.fault(owned.reason));
    else if (owned.kind === 'refused') {
      deps.logger.warn(
        { slackUserId: clicker, accessKeyId: keyId, why: owned.why },
        'key retirement refused',
      );
      text = refusalText(m, owned.why);
    } else {
      const result = await retireKey(deps.retire, {
        user: owned.user,
        keyId,
        ownerSlackId: clicker,
        actor: clicker,
        source: 'owner',
      });
      if (result === 'already') text = m.retire.already;
      else if (result !== 'done') text = refusalText(m, result);
    }
    if (text) await client.chat.postMessage({ channel: clicker, text });
  };
}
