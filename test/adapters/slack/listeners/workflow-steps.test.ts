import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { expect, it } from 'vitest';
import { ACTION } from '../../../../src/kernel/slack/action-ids.js';
import { describeWithMoto, unique } from '../../../helpers/aws.js';
import { openChecklistView, useTestBot } from '../../../helpers/bot.js';
import { eventCallback, post } from '../../../helpers/slack-requests.js';

const trail = mockClient(CloudTrailClient);

describeWithMoto('Workflow Builder steps (function_executed), through the real Bolt app', () => {
  const t = useTestBot({ trail });

  /** Slack runs the step `callbackId` with `inputs`: a signed event; resolves with how the step ended. */
  async function run(callbackId: string, inputs: Record<string, unknown>) {
    const { executionId, token } = t.fake.issueFunctionExecution();
    const sent = await post(
      t.baseUrl,
      eventCallback({
        type: 'function_executed',
        function: {
          id: `Fn${callbackId.length}`,
          callback_id: callbackId,
          title: callbackId,
          type: 'app',
          app_id: 'A0FAKE',
          input_parameters: [],
          output_parameters: [],
          date_created: 0,
          date_updated: 0,
          date_deleted: 0,
        },
        inputs,
        function_execution_id: executionId,
        workflow_execution_id: 'Wx0001',
        event_ts: '1.0001',
        bot_access_token: token,
      }),
    );
    expect(sent.status).toBe(200);
    await t.fake.waitFor(() => t.fake.functionResult(executionId) !== undefined, 15_000);
    return t.fake.functionResult(executionId) as { outputs?: Record<string, unknown>; error?: string };
  }
  const runner = (id: string) => ({ id, secret: 'user-context-secret' });
  /** The approval message posted for request `id`. */
  const approvalOf = (id: string) =>
    t.fake
      .callsTo('chat.postMessage')
      .find((c) => c.args.channel === 'C0APPROVALS' && JSON.stringify(c.args.blocks).includes(id));
  async function withKey() {
    const who = await t.engineer({ mfa: true });
    const key = await t.iam.send(new CreateAccessKeyCommand({ UserName: who.userName }));
    return { ...who, keyId: key.AccessKey?.AccessKeyId as string };
  }

  it('check_mfa_status: the checklist as outputs a workflow can branch on', async () => {
    const who = await withKey();
    const bare = await t.engineer();
    const done = await run('check_mfa_status', { user_id: who.slackUserId });
    expect(done.error).toBeUndefined();
    expect(done.outputs).toMatchObject({
      mfa_enabled: true,
      active_keys: 1,
      oldest_key_age_days: 0,
      mfa_done: true,
      keys_done: true,
    });
    expect(typeof done.outputs?.all_steps_done).toBe('boolean');
    expect((await run('check_mfa_status', { user_id: bare.slackUserId })).outputs).toMatchObject({
      mfa_enabled: false,
      active_keys: 0,
      mfa_done: false,
      all_steps_done: false,
    });
  });

  it('an unknown person: the step fails with a sentence, as /aws-mfa tells them which tag to set', async () => {
    const stranger = await t.engineer({ mapped: false });
    const step = await run('check_mfa_status', { user_id: stranger.slackUserId });
    expect(step.error).toBe(
      `No AWS IAM user is mapped to @${stranger.slackUserId}: tag their IAM user with SlackUserId (or their e-mail address), then run the workflow again.`,
    );
    expect(step.error).not.toMatch(/[<>*`]/);
    const rotate = await run('request_key_rotation', { user: runner(stranger.slackUserId) });
    expect(rotate.error).toMatch(/^No AWS IAM user is mapped to/);
    // /aws-mfa refuses the same person, naming the same tag.
    const { view } = await openChecklistView(t, stranger);
    expect(JSON.stringify(view.blocks)).toContain('SlackUserId');
  });

  it('request_key_rotation: the same request and approval path as /aws-mfa rotate; the requester cannot approve it', async () => {
    const who = await withKey();
    const none = await t.engineer({ mfa: true });
    const step = await run('request_key_rotation', { user: runner(who.slackUserId), reason: 'quarterly' });
    expect(step.outputs).toEqual({ request_id: expect.any(String), state: 'requested' });
    const id = String(step.outputs?.request_id);
    await t.fake.waitFor(() => approvalOf(id) !== undefined);
    const approval = () => approvalOf(id);
    expect(JSON.stringify(approval()?.args.blocks)).toContain(who.keyId);
    // Self-approval is refused as for any request.
    const click = t.clickMessageButton(who.slackUserId, 'C0APPROVALS', ACTION.approve, id);
    await click.sent;
    await t.fake.waitFor(() => t.fake.responses.some((r) => r.path === click.path));
    expect(JSON.stringify(t.fake.responses.find((r) => r.path === click.path)?.body)).toContain('your own');
    // A second request for the same key is refused, as the modal refuses it.
    expect((await run('request_key_rotation', { user: runner(who.slackUserId) })).error).toContain(
      'already waiting for approval',
    );
    // Without a key there is nothing to rotate.
    expect((await run('request_key_rotation', { user: runner(none.slackUserId) })).error).toContain(
      'no active access key',
    );
  });

  it('request_key_rotation with two active keys asks for the older one', async () => {
    const who = await withKey();
    await new Promise((r) => setTimeout(r, 1_100)); // IAM's CreateDate is to the second
    const newer = await t.iam.send(new CreateAccessKeyCommand({ UserName: who.userName }));
    const step = await run('request_key_rotation', { user: runner(who.slackUserId) });
    const id = String(step.outputs?.request_id);
    await t.fake.waitFor(() => approvalOf(id) !== undefined);
    const approval = () => approvalOf(id);
    const blocks = JSON.stringify(approval()?.args.blocks);
    expect(blocks).toContain(who.keyId);
    expect(blocks).not.toContain(String(newer.AccessKey?.AccessKeyId));
  });

  it("acting steps act only for whoever runs the workflow: another person's user ID changes nothing", async () => {
    const who = await withKey();
    const before = t.fake.callsTo('chat.postMessage').length;
    for (const user of [who.slackUserId, { id: '' }, undefined]) {
      const rotate = await run('request_key_rotation', { user, reason: 'in their name' });
      expect(rotate.error).toContain('only for the person who runs the workflow');
      expect(rotate.outputs).toBeUndefined();
      const reset = await run('report_lost_mfa_device', { user, what: 'lost', note: 'in their name' });
      expect(reset.error).toContain('only for the person who runs the workflow');
    }
    expect(t.fake.callsTo('chat.postMessage').length).toBe(before);
    // The same person as the one running the workflow is accepted.
    expect((await run('request_key_rotation', { user: runner(who.slackUserId) })).outputs?.state).toBe(
      'requested',
    );
  });

  it('an untrusted mapping (an e-mail match not yet trusted) may not ask for a rotation, through the step either', async () => {
    const userName = unique('by-email');
    const slackUserId = `U0M${userName
      .slice(-8)
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '')}`;
    t.fake.members.push({ id: slackUserId, name: userName, profile: { email: `${userName}@example.com` } });
    await t.iam.send(
      new CreateUserCommand({
        UserName: userName,
        Tags: [{ Key: 'email', Value: `${userName}@example.com` }],
      }),
    );
    await t.iam.send(new CreateAccessKeyCommand({ UserName: userName }));
    const step = await run('request_key_rotation', { user: runner(slackUserId) });
    expect(step.error).toContain('Nothing was changed');
    expect(step.outputs).toBeUndefined();
    expect(
      t.fake
        .callsTo('chat.postMessage')
        .filter((c) => c.args.channel === 'C0APPROVALS' && String(c.args.text).includes(userName)),
    ).toEqual([]);
  });

  it('report_lost_mfa_device: the same reset and approval path as /aws-mfa lost-device; bad input changes nothing', async () => {
    // Every IAM user first: the bot reads the user list once (people created after it are not seen at once).
    const who = await t.engineer({ mfa: true });
    const none = await t.engineer();
    expect(
      (await run('report_lost_mfa_device', { user: runner(who.slackUserId), what: 'stolen', note: 'x' }))
        .error,
    ).toContain('lost, broken or replaced');
    expect(
      (await run('report_lost_mfa_device', { user: runner(who.slackUserId), what: 'lost', note: ' ' })).error,
    ).toContain('note for the approvers is required');
    const step = await run('report_lost_mfa_device', {
      user: runner(who.slackUserId),
      what: 'lost',
      note: 'phone fell in the river',
    });
    expect(step.outputs).toEqual({ reset_id: expect.any(String), state: 'requested' });
    const id = String(step.outputs?.reset_id);
    await t.fake.waitFor(() =>
      t.fake
        .callsTo('chat.postMessage')
        .some((c) => c.args.channel === 'C0APPROVALS' && JSON.stringify(c.args.blocks).includes(id)),
    );
    expect(
      (await run('report_lost_mfa_device', { user: runner(who.slackUserId), what: 'lost', note: 'again' }))
        .error,
    ).toContain('already waiting for approval');
    expect(
      (await run('report_lost_mfa_device', { user: runner(none.slackUserId), what: 'lost', note: 'n' }))
        .error,
    ).toContain('no MFA device');
  });

  it('report_lost_mfa_device with two MFA devices asks the person to choose with the command, and files nothing', async () => {
    const who = await t.engineer({ mfa: true });
    const second = await t.iam.send(
      new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: `${who.userName}-spare` }),
    );
    await t.iam.send(
      new EnableMFADeviceCommand({
        UserName: who.userName,
        SerialNumber: second.VirtualMFADevice?.SerialNumber,
        AuthenticationCode1: '123456',
        AuthenticationCode2: '654321',
      }),
    );
    const before = t.fake.callsTo('chat.postMessage').length;
    const step = await run('report_lost_mfa_device', {
      user: runner(who.slackUserId),
      what: 'lost',
      note: 'n',
    });
    expect(step.error).toBe(
      'The person has 2 MFA devices: choose the one to reset with /aws-mfa lost-device. Nothing was changed.',
    );
    expect(t.fake.callsTo('chat.postMessage').length).toBe(before);
  });
});
