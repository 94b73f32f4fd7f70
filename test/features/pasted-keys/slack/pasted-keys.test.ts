import {
  CreateAccessKeyCommand,
  CreateUserCommand,
  IAMClient,
  ListAccessKeysCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { ACTION } from '../../../../src/kernel/slack/action-ids.js';
import { type AwsProxy, startAwsProxy } from '../../../fakes/aws-proxy.js';
import { describeWithMoto, motoUrl } from '../../../helpers/aws.js';
import { type Engineer, useTestBot } from '../../../helpers/bot.js';
import { eventCallback, post } from '../../../helpers/slack-requests.js';

type Json = Record<string, unknown>;
const CHANNEL = 'C0GENERAL1';

describeWithMoto('AWS keys pasted into Slack, through the real Bolt app, against moto', () => {
  let proxy: AwsProxy;
  let owner: Engineer & { keyId: string; secret: string };
  let seq = 0;

  beforeAll(async () => {
    proxy = await startAwsProxy(motoUrl);
  });
  afterAll(() => proxy.stop());

  const t = useTestBot({ env: { SECURITY_CHANNEL: 'C0SECURITY' }, awsEndpoint: () => proxy.url });
  beforeEach(async () => {
    const who = await t.engineer({ mfa: true, locale: 'ko-KR' });
    const key = await t.iam.send(new CreateAccessKeyCommand({ UserName: who.userName }));
    owner = { ...who, keyId: key.AccessKey?.AccessKeyId ?? '', secret: key.AccessKey?.SecretAccessKey ?? '' };
  });

  /** Someone posts `text` in a channel the bot is in (or edits a message to say it). */
  async function say(text: string, options: { channel?: string; edit?: boolean; user?: string } = {}) {
    const ts = `1700000000.${String(++seq).padStart(6, '0')}`;
    const message = { type: 'message', user: options.user ?? 'U0POSTER1', text, ts };
    const event = options.edit
      ? {
          type: 'message',
          subtype: 'message_changed',
          channel: options.channel ?? CHANNEL,
          message,
          ts: `${ts}1`,
        }
      : { ...message, channel: options.channel ?? CHANNEL, channel_type: 'channel' };
    const res = await post(t.baseUrl, eventCallback(event));
    expect(res.status).toBe(200);
    return ts;
  }
  const posts = (channel: string) =>
    t.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channel);
  const buttons = (args: Json | undefined) =>
    ((args?.blocks ?? []) as Json[])
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements as { action_id: string; value: string }[]);
  const status = async (userName: string, keyId: string) =>
    (await t.iam.send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata?.find(
      (k) => k.AccessKeyId === keyId,
    )?.Status;

  it('replies in the thread without the key, DMs the owner, tells security with the permalink; once a day', async () => {
    const ts = await say(
      `deploy with\naws_access_key_id=${owner.keyId}\naws_secret_access_key=${owner.secret}\nthanks`,
    );
    await t.fake.waitFor(() => posts('C0SECURITY').length === 1 && posts(owner.slackUserId).length === 1);
    await t.fake.waitFor(() => posts(CHANNEL).length === 1);

    // The public reply names nothing the poster could not already see: no key, no IAM user, no owner.
    const reply = posts(CHANNEL)[0]?.args ?? {};
    expect(reply.thread_ts).toBe(ts);
    expect(String(reply.text)).toContain('looks like it contains an AWS access key');
    for (const secretish of [owner.keyId, owner.userName, owner.slackUserId])
      expect(JSON.stringify(reply)).not.toContain(secretish);

    const dm = posts(owner.slackUserId)[0]?.args;
    // The owner reads it in their language (Korean); the thread and the security channel get English.
    expect(String(dm?.text)).toContain('Slack에 붙여 넣어졌습니다');
    expect(String(dm?.text)).toContain('Secret Access Key');
    expect(buttons(dm).map((b) => [b.action_id, b.value])).toEqual([
      [ACTION.pastedDeactivate, owner.keyId],
      [ACTION.pastedRotate, owner.keyId],
    ]);
    const alert = JSON.stringify(posts('C0SECURITY')[0]?.args);
    expect(alert).toContain(`https://fake.slack.com/archives/${CHANNEL}/p${ts.replace('.', '')}`);
    expect(alert).toContain('A secret access key was pasted next to it');
    expect(alert).toContain('<@U0POSTER1>');

    // The same key again that day, in a new message or an edit: nothing new.
    await say(`again ${owner.keyId}`);
    await say(`edited ${owner.keyId}`, { edit: true });
    // Both were seen and recognised as already handled today.
    await t.fake.waitFor(
      () =>
        t.logs.filter((l) => l.msg === 'pasted key already handled today' && l.accessKeyId === owner.keyId)
          .length === 2,
    );
    expect(posts('C0SECURITY')).toHaveLength(1);
    expect(posts(owner.slackUserId)).toHaveLength(1);
    expect(posts(CHANNEL)).toHaveLength(1);

    // The secret reached no Slack call and no log line; the message's text was not logged.
    expect(JSON.stringify(t.fake.calls)).not.toContain(owner.secret);
    expect(JSON.stringify(t.logs)).not.toContain(owner.secret);
    expect(JSON.stringify(t.logs)).not.toContain('deploy with');
  });

  it('the owner or an approver deactivates it from the DM or the alert; anyone else changes nothing', async () => {
    await say(`oops ${owner.keyId}`);
    await t.fake.waitFor(() => posts(owner.slackUserId).length === 1 && posts('C0SECURITY').length === 1);
    const click = (who: string, channel: string) =>
      t.clickMessageButton(who, channel, ACTION.pastedDeactivate, owner.keyId);

    const stranger = await t.engineer({ mfa: true });
    t.fake.usergroups.set('S0APPROVERS', ['U0APPROVER2']);
    t.fake.members.push({
      id: 'U0APPROVER1',
      name: 'approver',
      locale: 'en-US',
      tz: 'UTC',
      profile: { email: 'approver@example.com' },
    });
    const bad = click(stranger.slackUserId, 'C0SECURITY');
    await bad.sent;
    await t.fake.waitFor(() => t.fake.responses.some((r) => r.path === bad.path));
    expect(await status(owner.userName, owner.keyId)).toBe('Active');

    const approver = click('U0APPROVER1', 'C0SECURITY');
    await approver.sent;
    await t.fake.waitFor(() => t.fake.responses.some((r) => r.path === approver.path));
    expect(await status(owner.userName, owner.keyId)).toBe('Inactive');
    // The owner is told the leaked key stays off (no Reactivate: a new key comes through rotation); security, who did it.
    await t.fake.waitFor(() => posts(owner.slackUserId).some((c) => String(c.args.text).includes('영구히')));
    const told = posts(owner.slackUserId).find((c) => String(c.args.text).includes('영구히'));
    expect(buttons(told?.args).some((b) => b.action_id === ACTION.retireReactivate)).toBe(false);
    await t.fake.waitFor(() =>
      posts('C0SECURITY').some((c) => String(c.args.text).includes('switched off by <@U0APPROVER1>')),
    );

    // The owner's own click now: already done, nothing more.
    const again = click(owner.slackUserId, owner.slackUserId);
    await again.sent;
    await t.fake.waitFor(() => t.fake.responses.some((r) => r.path === again.path));
    expect(await status(owner.userName, owner.keyId)).toBe('Inactive');
  });

  it('a key of another account: a security post only', async () => {
    const sts = new STSClient({ endpoint: motoUrl });
    const assumed = await sts.send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::111111111111:role/other', RoleSessionName: 'test' }),
    );
    const c = assumed.Credentials;
    const other = new IAMClient({
      endpoint: motoUrl,
      credentials: {
        accessKeyId: c?.AccessKeyId ?? '',
        secretAccessKey: c?.SecretAccessKey ?? '',
        sessionToken: c?.SessionToken ?? '',
      },
    });
    await other.send(new CreateUserCommand({ UserName: 'elsewhere' }));
    const key = await other.send(new CreateAccessKeyCommand({ UserName: 'elsewhere' }));
    const keyId = key.AccessKey?.AccessKeyId ?? '';
    other.destroy();
    sts.destroy();

    await say(`look ${keyId}`);
    await t.fake.waitFor(() => posts('C0SECURITY').length === 1);
    expect(JSON.stringify(posts('C0SECURITY')[0]?.args)).toContain('111111111111');
    // The thread hears the same as for any key: whether a key is one of ours is not for the channel to learn.
    await t.fake.waitFor(() => posts(CHANNEL).length === 1);
    expect(String(posts(CHANNEL)[0]?.args.text)).toContain('looks like it contains an AWS access key');
    expect(
      t.fake.callsTo('chat.postMessage').filter((c) => String(c.args.channel).startsWith('U')),
    ).toHaveLength(0);
  });

  it('a temporary key is reported, not deactivated; text without a key costs no AWS call', async () => {
    const before = proxy.total();
    await say('nothing secret here: AKIA-like words, akiafakepasteexample, 12345');
    await say('one more plain message');
    await new Promise((r) => setTimeout(r, 300));
    expect(proxy.total()).toBe(before);
    expect(t.fake.callsTo('chat.getPermalink')).toHaveLength(0);

    await say('ASIAFAKETEMPOEXAMPLE');
    await t.fake.waitFor(() => posts('C0SECURITY').length === 1);
    const alert = posts('C0SECURITY')[0]?.args;
    expect(JSON.stringify(alert)).toContain('Revoke active sessions');
    expect(buttons(alert)).toEqual([]);
  });
});
