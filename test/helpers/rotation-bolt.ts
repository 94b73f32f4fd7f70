import { expect } from 'vitest';
import { ACTION, INPUT, VIEW } from '../../src/kernel/slack/action-ids.js';
import type { SlackTarget, TestBot } from './bot.js';
import { post, viewSubmission } from './slack-requests.js';

/** Submits the rotation request modal as `slackUserId` would, offering `offered` keys in its metadata. */
export function submitRotationRequest(
  t: SlackTarget,
  slackUserId: string,
  keyId: string,
  reason: string,
  offered: readonly string[] = [keyId],
) {
  return post(
    t.baseUrl,
    viewSubmission(
      slackUserId,
      t.fake.issueTriggerId(),
      VIEW.rotationRequest,
      JSON.stringify({ keys: offered }),
      {
        [INPUT.key]: { [INPUT.key]: { type: 'static_select', selected_option: { value: keyId } } },
        [INPUT.reason]: { [INPUT.reason]: { type: 'plain_text_input', value: reason } },
      },
    ),
  );
}

/** Files a request through the modal and resolves with the request ID its approval message carries. */
export async function fileRotation(
  t: SlackTarget,
  slackUserId: string,
  keyId: string,
  reason = 'quarterly',
): Promise<string> {
  const before = approvalPosts(t).length;
  const res = await submitRotationRequest(t, slackUserId, keyId, reason);
  expect(res.status).toBe(200);
  await t.fake.waitFor(() => approvalPosts(t).length > before);
  const posted = approvalPosts(t).at(-1);
  const actions = ((posted?.args.blocks ?? []) as { type: string; elements?: { value?: string }[] }[]).find(
    (b) => b.type === 'actions',
  );
  return actions?.elements?.[0]?.value ?? '';
}

const approvalPosts = (t: SlackTarget) =>
  t.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0APPROVALS');

/** `approverId` approves; resolves once the owner's "new key ready" DM went out. */
export async function approveUntilDelivered(
  t: TestBot,
  approverId: string,
  requestId: string,
  ownerSlackId: string,
): Promise<void> {
  const delivered = () =>
    t.fake
      .callsTo('chat.postMessage')
      .filter(
        (c) => c.ok && c.args.channel === ownerSlackId && JSON.stringify(c.args).includes('secretsmanager'),
      );
  const before = delivered().length;
  await t.clickMessageButton(approverId, 'C0APPROVALS', ACTION.approve, requestId).sent;
  await t.fake.waitFor(() => delivered().length > before);
}
