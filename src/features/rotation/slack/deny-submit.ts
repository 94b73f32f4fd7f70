import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { SlackDeps } from '../../../adapters/slack/deps.js';
import { type Messages, messagesFor } from '../../../i18n/messages.js';
import { INPUT } from '../../../kernel/slack/action-ids.js';
import { denyRotation } from '../decide-rotation.js';
import { refusalText } from './buttons.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

/**
 * A deny modal's submit: the reason is required; the decision itself is checked again (the modal may have sat open),
 * and a refusal reaches the approver by DM. `deny` resolves with the refusal's text, or undefined when it went through.
 */
export function createDenySubmit(
  deps: SlackDeps,
  deny: (id: string, approver: string, reason: string, m: Messages) => Promise<string | undefined>,
) {
  return async function denySubmit({ ack, body, view, client }: Args): Promise<void> {
    const m = messagesFor(deps.directory.peek(body.user.id)?.locale);
    const reason = (view.state.values[INPUT.denyReason]?.[INPUT.denyReason]?.value ?? '').trim();
    if (!reason) {
      await ack({ response_action: 'errors', errors: { [INPUT.denyReason]: m.rotation.denyReasonRequired } });
      return;
    }
    await ack();
    const refused = await deny(view.private_metadata, body.user.id, reason, m);
    if (refused) await client.chat.postMessage({ channel: body.user.id, text: refused });
  };
}

export const createRotationDenySubmit = (deps: SlackDeps) =>
  createDenySubmit(deps, async (id, approver, reason, m) => {
    const result = await denyRotation(deps.rotation, id, approver, reason);
    return result.kind === 'refused' ? refusalText(m, result.why) : undefined;
  });
