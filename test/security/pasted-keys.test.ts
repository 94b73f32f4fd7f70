import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateUserCommand,
  ListAccessKeysCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import {
  FLOOD_REPLIES_MAX,
  PASTED_PER_POSTER_PER_HOUR,
} from '../../src/features/pasted-keys/handle-message.js';
import { ACTION } from '../../src/kernel/slack/action-ids.js';
import { type AwsProxy, startAwsProxy } from '../fakes/aws-proxy.js';
import { describeWithMoto, motoUrl, unique } from '../helpers/aws.js';
import { type Engineer, useTestBot } from '../helpers/bot.js';
import { approveUntilDelivered, fileRotation } from '../helpers/rotation-bolt.js';
import { eventCallback, post } from '../helpers/slack-requests.js';

const trail = mockClient(CloudTrailClient);
const CHANNEL = 'C0GENERAL1';
type Json = Record<string, unknown>;

describeWithMoto('attack: the pasted-key surfaces', () => {
  let proxy: AwsProxy;
  let owner: Engineer & { keyId: string };
  let seq = 0;

  beforeAll(async () => {
    proxy = await startAwsProxy(motoUrl);
  });
  afterAll(() => proxy.stop());
  const t = useTestBot({ env: { SECURITY_CHANNEL: 'C0SECURITY' }, awsEndpoint: () => proxy.url, trail });
  beforeEach(async () => {
    t.fake.usergroups.set('S0APPROVERS', []);
    t.fake.members.push({
      id: 'U0APPROVER1',
      name: 'approver',
      tz: 'UTC',
      profile: { email: 'approver@example.com' },
    });
    const who = await t.engineer({ mfa: true });
    const key = await t.iam.send(new CreateAccessKeyCommand({ UserName: who.userName }));
    owner = { ...who, keyId: key.AccessKey?.AccessKeyId ?? '' };
  });

  async function say(text: string, user = 'U0POSTER1') {
    const ts = `1700000000.${String(++seq).padStart(6, '0')}`;
    const event = { type: 'message', user, text, ts, channel: CHANNEL, channel_type: 'channel' };
    expect((await post(t.baseUrl, eventCallback(event))).status).toBe(200);
    return ts;
  }
  const posts = (channel: string) =>
    t.fake.callsTo('chat.postMessage').filter((c) => c.ok && c.args.channel === channel);
  const status = async (userName: string, keyId: string) =>
    (await t.iam.send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata?.find(
      (k) => k.AccessKeyId === keyId,
    )?.Status;
  const answer = async (click: { sent: Promise<unknown>; path: string }) => {
    await click.sent;
    await t.fake.waitFor(() => t.fake.responses.some((r) => r.path === click.path));
    return JSON.stringify(t.fake.responses.find((r) => r.path === click.path)?.body);
  };

  it('row 1: an approver\'s hand-built "Deactivate now" naming a key never pasted changes nothing and is logged', async () => {
    // An administrator's key, never pasted anywhere.
    const admin = unique('admin');
    await t.iam.send(new CreateUserCommand({ UserName: admin }));
    await t.iam.send(
      new AttachUserPolicyCommand({
        UserName: admin,
        PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      }),
    );
    const adminKey =
      (await t.iam.send(new CreateAccessKeyCommand({ UserName: admin }))).AccessKey?.AccessKeyId ?? '';

    const text = await answer(
      t.clickMessageButton('U0APPROVER1', 'C0SECURITY', ACTION.pastedDeactivate, adminKey),
    );
    expect(text).toContain('never reported pasted');
    expect(await status(admin, adminKey)).toBe('Active');
    expect(
      t.logs.some((l) => String(l.msg).includes('never reported pasted') && l.accessKeyId === adminKey),
    ).toBe(true);

    // A key that was reported, then switched off (the report closed) and switched back on in the console: the same.
    await say(`oops ${owner.keyId}`);
    await t.fake.waitFor(() => posts('C0SECURITY').length === 1);
    expect(
      await answer(t.clickMessageButton('U0APPROVER1', 'C0SECURITY', ACTION.pastedDeactivate, owner.keyId)),
    ).toContain('is now inactive');
    await t.iam.send(
      new UpdateAccessKeyCommand({ UserName: owner.userName, AccessKeyId: owner.keyId, Status: 'Active' }),
    );
    expect(
      await answer(t.clickMessageButton('U0APPROVER1', 'C0SECURITY', ACTION.pastedDeactivate, owner.keyId)),
    ).toContain('never reported pasted');
    expect(await status(owner.userName, owner.keyId)).toBe('Active');
  });

  it('row 2: a leaked key switched off by an approver cannot be switched back on by its owner; a new key comes through rotation', async () => {
    await say(`oops ${owner.keyId}`);
    await t.fake.waitFor(() => posts('C0SECURITY').length === 1);
    await answer(t.clickMessageButton('U0APPROVER1', 'C0SECURITY', ACTION.pastedDeactivate, owner.keyId));
    expect(await status(owner.userName, owner.keyId)).toBe('Inactive');

    // The owner's Reactivate, hand-built (the DM for a leaked key has none): refused, the key stays off.
    const refused = await answer(
      t.clickMessageButton(owner.slackUserId, owner.slackUserId, ACTION.retireReactivate, owner.keyId),
    );
    expect(refused).toContain('stays off');
    expect(await status(owner.userName, owner.keyId)).toBe('Inactive');
    expect(posts('C0SECURITY').some((c) => String(c.args.text).includes('back on'))).toBe(false);

    // A new key: the rotation replaces the leaked key, under the usual approval.
    const requestId = await fileRotation(t, owner.slackUserId, owner.keyId, 'it leaked');
    await approveUntilDelivered(t, 'U0APPROVER1', requestId, owner.slackUserId);
    const keys =
      (await t.iam.send(new ListAccessKeysCommand({ UserName: owner.userName }))).AccessKeyMetadata ?? [];
    expect(keys.filter((k) => k.Status === 'Active')).toHaveLength(1);
    expect(keys.find((k) => k.Status === 'Active')?.AccessKeyId).not.toBe(owner.keyId);
  });

  it('row 8: 20 messages of 5 made-up key IDs each: the limits bound look-ups and alerts, the rest is one thread', async () => {
    const before = proxy.count('GetAccessKeyInfo');
    let n = 0;
    const fake = () => `AKIAFLOOD${String(++n).padStart(11, '0')}`;
    for (let i = 0; i < 20; i++) await say(Array.from({ length: 5 }, fake).join(' '), 'U0FLOODER1');

    await t.fake.waitFor(
      () =>
        t.logs.filter((l) => l.msg === 'access key IDs pasted over the limit: not looked up').length === 18,
    );
    await t.fake.waitFor(
      () =>
        t.logs.filter((l) => l.msg === 'an AWS access key was pasted into Slack').length ===
        PASTED_PER_POSTER_PER_HOUR,
    );
    expect(proxy.count('GetAccessKeyInfo') - before).toBe(PASTED_PER_POSTER_PER_HOUR);
    // Twenty posts to the security channel go at Slack's pace, one a second.
    await t.fake.waitFor(() => posts('C0SECURITY').filter((c) => c.args.thread_ts).length === 17, 40_000);
    const top = () => posts('C0SECURITY').filter((c) => !c.args.thread_ts);
    const alerts = () => top().filter((c) => String(c.args.text).includes('was pasted in'));
    const thread = top().filter((c) => String(c.args.text).includes('is pasting many access key IDs'));
    // The alerts are delivered from the outbox like the thread: wait for all of them, then check none more came.
    await t.fake.waitFor(() => alerts().length >= PASTED_PER_POSTER_PER_HOUR);
    expect(alerts()).toHaveLength(PASTED_PER_POSTER_PER_HOUR);
    expect(thread).toHaveLength(1);
    // Every reply is in that one thread.
    const parentTs = t.fake.calls.find(
      (c) => c.method === 'chat.postMessage' && String(c.args.text).includes('is pasting many'),
    )?.result?.ts;
    expect(
      new Set(
        posts('C0SECURITY')
          .filter((c) => c.args.thread_ts)
          .map((c) => c.args.thread_ts),
      ),
    ).toEqual(new Set([parentTs]));
    expect(17).toBeLessThanOrEqual(FLOOD_REPLIES_MAX);
    // The channel's thread replies stop at the limit too: only the messages that were looked up got one.
    expect(posts(CHANNEL)).toHaveLength(2);
  }, 60_000);

  it('row 9: the public thread reply names nothing the poster could not already see', async () => {
    await say(`oops ${owner.keyId}`);
    await t.fake.waitFor(() => posts(CHANNEL).length === 1 && posts('C0SECURITY').length === 1);
    const reply = JSON.stringify(posts(CHANNEL)[0]?.args);
    for (const detail of [owner.userName, owner.slackUserId, owner.keyId, '123456789012'])
      expect(reply).not.toContain(detail);
    // The details went to the owner and security only.
    expect(JSON.stringify(posts('C0SECURITY')[0]?.args)).toContain(owner.userName);
    await t.fake.waitFor(() => posts(owner.slackUserId).length === 1);
    expect(JSON.stringify(posts(owner.slackUserId)[0]?.args as Json)).toContain(owner.userName);
  });
});
