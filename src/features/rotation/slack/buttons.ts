import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { SlackDeps } from '../../../adapters/slack/deps.js';
import { type Messages, messagesFor } from '../../../i18n/messages.js';
import { denyModal } from '../../../kernel/slack/approval-blocks.js';
import { code, slackMinute } from '../../../kernel/slack/mrkdwn.js';
import { approveRotation, denialRefusal } from '../decide-rotation.js';
import type { DecisionRefusal } from '../domain.js';
import { deactivateOldKeyNow, type OwnerActionResult, reactivateOldKey } from '../old-key-actions.js';
import { openRotationModal } from './rotation-modal.js';

type Args = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

export function refusalText(m: Messages, why: DecisionRefusal | 'not_found'): string {
  if (why === 'self') return m.rotation.selfNotAllowed;
  if (why === 'not_approver') return m.rotation.notAllowed;
  if (why === 'already_approved') return m.rotation.alreadyApproved;
  if (why === 'expired') return m.rotation.expiredNow;
  return m.rotation.closed;
}

const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, replace_original: false, text });

/** "Request key rotation" on the checklist (modal → pushed; Home tab → opened). */
export function createRequestRotationButton(deps: SlackDeps) {
  return async function requestRotationButton({ ack, body, client }: Args): Promise<void> {
    await ack();
    await openRotationModal(deps, client, {
      triggerId: body.trigger_id,
      slackUserId: body.user.id,
      push: body.view?.type === 'modal',
    });
  };
}

/** Approve in the approval channel. Whoever may not decide is told so, only them, and nothing changes. */
export function createApproveButton(deps: SlackDeps) {
  return async function approveButton({ ack, body, action, respond }: Args): Promise<void> {
    await ack();
    const m = messagesFor(deps.directory.peek(body.user.id)?.locale);
    const result = await approveRotation(deps.rotation, action.value ?? '', body.user.id);
    if (result.kind === 'refused') await respond(ephemeral(refusalText(m, result.why)));
    if (result.kind === 'recorded')
      await respond(ephemeral(m.rotation.approvalRecorded(result.approvals, result.required)));
  };
}

/** Deny: checked first (so a non-approver gets no modal), then a modal asks the reason. */
export function createDenyButton(deps: SlackDeps) {
  return async function denyButton({ ack, body, action, respond, client }: Args): Promise<void> {
    await ack();
    const m = messagesFor(deps.directory.peek(body.user.id)?.locale);
    const requestId = action.value ?? '';
    const refusal = await denialRefusal(deps.rotation, requestId, body.user.id);
    if (refusal) {
      deps.logger.info({ requestId, slackUserId: body.user.id, refusal }, 'denial refused');
      await respond(ephemeral(refusalText(m, refusal)));
      return;
    }
    await client.views.open({ trigger_id: body.trigger_id, view: denyModal(m, requestId) });
  };
}

function ownerText(m: Messages, result: OwnerActionResult, done: string): string {
  if (result === 'done') return done;
  if (result === 'not_owner') return m.rotation.ownerOnly;
  if (result === 'failed') return m.rotation.actionFailed;
  return m.rotation.notNow;
}

/** "I've switched — deactivate the old key now", in the owner's DM. */
export function createDeactivateOldButton(deps: SlackDeps) {
  return async function deactivateOldButton({ ack, body, action, respond }: Args): Promise<void> {
    await ack();
    const m = messagesFor(deps.directory.peek(body.user.id)?.locale);
    const { outcome, request } = await deactivateOldKeyNow(deps.rotation, action.value ?? '', body.user.id);
    await respond(ephemeral(ownerText(m, outcome, m.rotation.deactivatedNow(code(request?.oldKeyId ?? '')))));
  };
}

/** "Reactivate the old key": switches it back on for one grace period. */
export function createReactivateOldButton(deps: SlackDeps) {
  return async function reactivateOldButton({ ack, body, action, respond }: Args): Promise<void> {
    await ack();
    const m = messagesFor(deps.directory.peek(body.user.id)?.locale);
    const { outcome, request } = await reactivateOldKey(deps.rotation, action.value ?? '', body.user.id);
    const text = m.rotation.reactivatedNow(
      code(request?.oldKeyId ?? ''),
      slackMinute(request?.deactivateAfter),
    );
    await respond(ephemeral(ownerText(m, outcome, text)));
  };
}
