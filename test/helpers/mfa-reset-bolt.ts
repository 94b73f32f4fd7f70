import { expect } from 'vitest';
import { ACTION, INPUT, VIEW } from '../../src/kernel/slack/action-ids.js';
import type { TestBot } from './bot.js';
import { post, slashCommand, viewSubmission } from './slack-requests.js';

type Json = Record<string, unknown>;

/** An approver submits the reset confirmation modal, with the identity check ticked or not. */
export function confirmReset(t: TestBot, approver: string, resetId: string, ticked: boolean) {
  return post(
    t.baseUrl,
    viewSubmission(approver, t.fake.issueTriggerId(), VIEW.resetConfirm, resetId, {
      [INPUT.verified]: {
        [INPUT.verified]: { type: 'checkboxes', selected_options: ticked ? [{ value: 'verified' }] : [] },
      },
    }),
  );
}

/**
 * The person asks: `/aws-mfa lost-device` → the modal with their device → submit with `note`. Resolves with the reset's
 * ID and the approval message posted for it.
 */
export async function requestLostDeviceReset(
  t: TestBot,
  slackUserId: string,
  serial: string,
  note = 'Phone fell in the Han river <!channel>',
): Promise<{ resetId: string; message: Json | undefined }> {
  const approvals = () => t.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0APPROVALS');
  const before = approvals().length;
  const updates = t.fake.callsTo('views.update').filter((c) => c.ok).length;
  const res = await post(
    t.baseUrl,
    slashCommand({ user_id: slackUserId, text: 'lost-device', trigger_id: t.fake.issueTriggerId() }),
  );
  expect(res.status).toBe(200);
  await t.fake.waitFor(() => t.fake.callsTo('views.update').filter((c) => c.ok).length > updates);
  const modal = t.fake.callsTo('views.update').at(-1)?.args.view as Json | undefined;
  expect(modal?.callback_id).toBe(VIEW.lostDevice);
  expect(JSON.stringify(modal?.blocks)).toContain(serial);
  const submitted = await post(
    t.baseUrl,
    viewSubmission(slackUserId, t.fake.issueTriggerId(), VIEW.lostDevice, String(modal?.private_metadata), {
      [INPUT.device]: { [INPUT.device]: { type: 'static_select', selected_option: { value: serial } } },
      [INPUT.what]: { [INPUT.what]: { type: 'radio_buttons', selected_option: { value: 'lost' } } },
      [INPUT.note]: { [INPUT.note]: { type: 'plain_text_input', value: note } },
    }),
  );
  expect(submitted.status).toBe(200);
  await t.fake.waitFor(() => approvals().length > before);
  const message = approvals().at(-1)?.args;
  const actions = ((message?.blocks ?? []) as Json[]).find((b) => b.type === 'actions') as
    | { elements: { action_id: string; value: string }[] }
    | undefined;
  expect(actions?.elements.map((e) => e.action_id)).toEqual([ACTION.resetApprove, ACTION.resetDeny]);
  return { resetId: actions?.elements[0]?.value ?? '', message };
}
