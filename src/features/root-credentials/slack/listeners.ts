import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { SlackDeps } from '../../../adapters/slack/deps.js';
import { type Messages, messagesFor } from '../../../i18n/messages.js';
import type { ApprovalRefusal } from '../../../kernel/domain/approval.js';
import { VIEW } from '../../../kernel/slack/action-ids.js';
import { createDenySubmit, denyModal } from '../../../kernel/slack/approval-blocks.js';
import { code } from '../../../kernel/slack/mrkdwn.js';
import { approveDeletion, deletionToDecide, denyDeletion } from '../decide-deletion.js';
import { requestDeletion } from '../request-deletion.js';

type ButtonArgs = SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs;

const ephemeral = (text: string) => ({ response_type: 'ephemeral' as const, replace_original: false, text });

function refusalText(m: Messages, why: ApprovalRefusal | 'not_found'): string {
  const r = m.rootDeletion.refused;
  return why === 'not_approver' ? r.not_approver_decide : r[why];
}

/** "Delete root credentials" in the security digest: an approver asks; nothing changes in AWS yet. */
export function createRootDeleteRequestButton(deps: SlackDeps) {
  return async function rootDeleteRequestButton({ ack, body, action, respond }: ButtonArgs): Promise<void> {
    await ack();
    const m = messagesFor(deps.directory.peek(body.user.id)?.locale);
    const accountId = action.value ?? '';
    if (!deps.rootDeletion) {
      await respond(ephemeral(m.rootDeletion.refused.not_member));
      return;
    }
    const result = await requestDeletion(deps.rootDeletion, { slackUserId: body.user.id, accountId });
    const label = code(await deps.accountLabel(accountId).catch(() => accountId));
    const text =
      result.kind === 'created'
        ? m.rootDeletion.requested(label)
        : result.kind === 'failed'
          ? m.rootDeletion.failedToAsk(m.fault(result.reason))
          : m.rootDeletion.refused[result.kind];
    await respond(ephemeral(text));
  };
}

/** Approve (behind Slack's own confirmation dialog): recorded once per approver; enough of them delete. */
export function createRootDeleteApproveButton(deps: SlackDeps) {
  return async function rootDeleteApproveButton({ ack, body, action, respond }: ButtonArgs): Promise<void> {
    await ack();
    const m = messagesFor(deps.directory.peek(body.user.id)?.locale);
    if (!deps.rootDeletion) return;
    const result = await approveDeletion(deps.rootDeletion, action.value ?? '', body.user.id);
    if (result.kind === 'refused') await respond(ephemeral(refusalText(m, result.why)));
    if (result.kind === 'recorded')
      await respond(ephemeral(m.rootDeletion.recorded(result.approvals, result.required)));
  };
}

/** Deny: checked first (so whoever may not decide gets no modal), then a modal asks the reason. */
export function createRootDeleteDenyButton(deps: SlackDeps) {
  return async function rootDeleteDenyButton({
    ack,
    body,
    action,
    respond,
    client,
  }: ButtonArgs): Promise<void> {
    await ack();
    const m = messagesFor(deps.directory.peek(body.user.id)?.locale);
    if (!deps.rootDeletion) return;
    const id = action.value ?? '';
    const found = await deletionToDecide(deps.rootDeletion, id, body.user.id);
    if ('why' in found) {
      await respond(ephemeral(refusalText(m, found.why)));
      return;
    }
    await client.views.open({
      trigger_id: body.trigger_id,
      view: denyModal(m, id, { callbackId: VIEW.rootDeleteDeny, title: m.rootDeletion.denyTitle }),
    });
  };
}

export const createRootDeleteDenySubmit = (deps: SlackDeps) =>
  createDenySubmit(deps, async (id, approver, reason, m) => {
    if (!deps.rootDeletion) return m.rootDeletion.refused.not_found;
    const result = await denyDeletion(deps.rootDeletion, id, approver, reason);
    return result.kind === 'refused' ? refusalText(m, result.why) : undefined;
  });
