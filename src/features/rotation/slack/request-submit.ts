import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { SlackDeps } from '../../../adapters/slack/deps.js';
import { messagesFor } from '../../../i18n/messages.js';
import { INPUT } from '../../../kernel/slack/action-ids.js';
import { distrustText } from '../../../kernel/slack/caller.js';
import { code } from '../../../kernel/slack/mrkdwn.js';
import { checkReason } from '../domain.js';
import { inRotation } from '../old-key-actions.js';
import { requestRotation } from '../request-rotation.js';
import type { RequestModalMetadata } from './blocks.js';

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

function offeredKeys(metadata: string): readonly string[] {
  try {
    const parsed = JSON.parse(metadata) as Partial<RequestModalMetadata>;
    return Array.isArray(parsed.keys) ? parsed.keys.filter((k): k is string => typeof k === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Submitting the request modal. What can be checked within Slack's 3 seconds (reason, a key we offered, no open
 * request for it) is answered inline; the rest runs after the ack and the outcome arrives by DM.
 */
export function createRotationRequestSubmit(deps: SlackDeps) {
  return async function rotationRequestSubmit({ ack, body, view, client }: Args): Promise<void> {
    const m = messagesFor(deps.directory.peek(body.user.id)?.locale);
    const keyId = view.state.values[INPUT.key]?.[INPUT.key]?.selected_option?.value ?? '';
    const reason = view.state.values[INPUT.reason]?.[INPUT.reason]?.value ?? '';
    const errors: Record<string, string> = {};
    const reasonProblem = checkReason(reason);
    if (reasonProblem) errors[INPUT.reason] = m.rotation.errors[reasonProblem];
    if (!offeredKeys(view.private_metadata).includes(keyId))
      errors[INPUT.key] = m.rotation.errors.key_not_yours;
    else if (await inRotation(deps.rotation, keyId)) {
      errors[INPUT.key] = m.rotation.errors.open_request;
    }
    if (Object.keys(errors).length > 0) {
      await ack({ response_action: 'errors', errors });
      return;
    }
    await ack();
    const result = await requestRotation(deps.rotation, {
      slackUserId: body.user.id,
      accessKeyId: keyId,
      reason,
    });
    let text: string;
    if (result.kind === 'created') text = m.rotation.submitted(code(keyId));
    else if (result.kind === 'invalid') {
      text = m.rotation.submitFailed(
        result.problem in m.rotation.errors
          ? m.rotation.errors[result.problem as keyof typeof m.rotation.errors]
          : result.problem,
      );
    } else if (result.kind === 'failed') text = m.rotation.submitFailed(m.fault(result.reason));
    else if (result.kind === 'untrusted') text = m.rotation.submitFailed(distrustText(m, result.trust) ?? '');
    else text = m.rotation.submitFailed(m.unmapped(body.user.id, deps.settings.emailTagKey));
    await client.chat.postMessage({ channel: body.user.id, text });
  };
}
