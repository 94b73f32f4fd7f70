import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from '@slack/bolt';
import type { KnownBlock, ModalView } from '@slack/types';
import { type Messages, messagesFor } from '../../i18n/messages.js';
import { DENY_REASON_MAX } from '../domain/approval.js';
import type { SlackDirectoryPort } from '../people/ports.js';
import { INPUT, VIEW } from './action-ids.js';
import { clamp, LIMITS, slackMinute } from './mrkdwn.js';

/** The parts of an approval message and of its deny modal that rotations and MFA resets share. */

type Args = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;
const plain = (text: string) => ({ type: 'plain_text' as const, text: clamp(text, LIMITS.sectionText) });
const when = slackMinute;

/** The text a person wrote, shown as plain text: it cannot ping, link or format, whatever it contains. */
export function userText(text: string): KnownBlock {
  return { type: 'section', text: plain(text || ' ') };
}

/** The reason for a denial (a rotation, or with `callbackId` and `title` an MFA reset): the requester reads it. */
export function denyModal(
  m: Messages,
  requestId: string,
  as: { callbackId: string; title: string } = { callbackId: VIEW.rotationDeny, title: m.rotation.denyTitle },
): ModalView {
  return {
    type: 'modal',
    callback_id: as.callbackId,
    private_metadata: requestId,
    title: { type: 'plain_text', text: clamp(as.title, LIMITS.modalTitle) },
    submit: { type: 'plain_text', text: m.rotation.denySubmit },
    close: { type: 'plain_text', text: m.rotation.cancel },
    blocks: [
      {
        type: 'input',
        block_id: INPUT.denyReason,
        label: { type: 'plain_text', text: m.rotation.denyLabel },
        element: {
          type: 'plain_text_input',
          action_id: INPUT.denyReason,
          multiline: true,
          max_length: DENY_REASON_MAX,
        },
      },
    ],
  };
}

/**
 * An approval message's status line: while waiting, the approvals so far and by whom; once decided, by whom and when
 * (a denial names its one decider); otherwise when it last moved. Shared by rotations and MFA resets.
 */
export function decisionStatus(
  m: Messages,
  stateText: string,
  r: {
    readonly state: string;
    readonly requiredApprovals: number;
    readonly decidedBy: string | undefined;
    readonly decidedAt: number | undefined;
    readonly updatedAt: number;
  },
  approvedBy: readonly string[],
): string {
  const msg = m.rotation.message;
  const approvers = approvedBy.map((a) => `<@${a}>`).join(', ');
  const status = `*${stateText}*`;
  if (r.state === 'requested')
    return `${status} — ${msg.approvals(approvedBy.length, r.requiredApprovals)}${approvers ? ` (${approvers})` : ''}`;
  if (r.decidedBy) {
    const deciders = r.state === 'denied' ? `<@${r.decidedBy}>` : approvers || `<@${r.decidedBy}>`;
    return `${status} ${msg.decidedBy(deciders, when(r.decidedAt ?? r.updatedAt))}`;
  }
  return `${status} (${when(r.updatedAt)} UTC)`;
}

/**
 * A deny modal's submit: the reason is required; the decision itself is checked again (the modal may have sat open),
 * and a refusal reaches the approver by DM. `deny` resolves with the refusal's text, or undefined when it went through.
 */
export function createDenySubmit(
  deps: { readonly directory: Pick<SlackDirectoryPort, 'peek'> },
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
