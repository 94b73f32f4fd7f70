import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import { messagesFor } from '../../../i18n/messages.js';
import { denyRotation } from '../../../services/rotation/decide-rotation.js';
import { INPUT } from '../../action-ids.js';
import type { SlackDeps } from '../../deps.js';
import { refusalText } from '../actions/rotation-buttons.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/** The deny modal's reason is required; the decision itself is checked again (the modal may have sat open). */
export function createRotationDenySubmit(deps: SlackDeps) {
  return async function rotationDenySubmit({ ack, body, view, client }: Args): Promise<void> {
    const m = messagesFor(deps.directory.peek(body.user.id)?.locale);
    const reason = (view.state.values[INPUT.denyReason]?.[INPUT.denyReason]?.value ?? '').trim();
    if (!reason) {
      await ack({ response_action: 'errors', errors: { [INPUT.denyReason]: m.rotation.denyReasonRequired } });
      return;
    }
    await ack();
    const result = await denyRotation(deps.rotation, view.private_metadata, body.user.id, reason);
    if (result.kind === 'refused')
      await client.chat.postMessage({ channel: body.user.id, text: refusalText(m, result.why) });
  };
}
