import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CreateAccessKeyCommand, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ACTION, INPUT, VIEW } from '../../../../src/kernel/slack/action-ids.js';
import { describeWithMoto, motoUrl } from '../../../helpers/aws.js';
import { type Engineer, useTestBot } from '../../../helpers/bot.js';
import { submitRotationRequest } from '../../../helpers/rotation-bolt.js';
import { interaction, post, slashCommand } from '../../../helpers/slack-requests.js';

const trail = mockClient(CloudTrailClient);
const HOSTILE = 'rotate it <!channel> *now* <https://evil.example|click> @here';

type Json = Record<string, unknown>;

describeWithMoto('key rotation through the real Bolt app', () => {
  let requester: Engineer & { keyId: string };
  /** Every secret access key this file created, for the leak check at the end of each test. */
  const secrets: string[] = [];

  const t = useTestBot({ trail });
  beforeEach(async () => {
    t.fake.usergroups.set('S0APPROVERS', ['U0GROUPMEMBER']);
    const who = await t.engineer();
    const key = await t.iam.send(new CreateAccessKeyCommand({ UserName: who.userName }));
    requester = { ...who, keyId: key.AccessKey?.AccessKeyId ?? '' };
  });

  afterEach(async () => {
    // The secret access key never passes through Slack or the logs.
    const everything = JSON.stringify([t.fake.calls, t.fake.responses, t.logs]);
    for (const s of secrets) expect(everything).not.toContain(s);
  });

  /** The key the bot stored for the requester, remembered for the leak check. */
  async function storedSecret(): Promise<{ AccessKeyId: string; SecretAccessKey: string }> {
    const sm = new SecretsManagerClient({ endpoint: motoUrl });
    const name = `aws-mfa-bot/123456789012/${requester.userName}`;
    const value = JSON.parse(
      (await sm.send(new GetSecretValueCommand({ SecretId: name }))).SecretString ?? '{}',
    );
    secrets.push(value.SecretAccessKey);
    return value;
  }

  async function keysOf(userName: string) {
    const r = await t.iam.send(new ListAccessKeysCommand({ UserName: userName }));
    return (r.AccessKeyMetadata ?? []).map((k) => ({ id: k.AccessKeyId, status: k.Status }));
  }

  const submitRequest = (keyId: string, reason: string, offered = [keyId]) =>
    submitRotationRequest(t, requester.slackUserId, keyId, reason, offered);

  const clickInChannel = (userId: string, actionId: string, requestId: string) =>
    t.clickMessageButton(userId, 'C0APPROVALS', actionId, requestId);

  async function fileRequest(reason = HOSTILE): Promise<string> {
    const res = await submitRequest(requester.keyId, reason);
    expect(res.status).toBe(200);
    await t.fake.waitFor(() =>
      t.fake.callsTo('chat.postMessage').some((c) => c.args.channel === 'C0APPROVALS'),
    );
    const posted = t.fake.callsTo('chat.postMessage').find((c) => c.args.channel === 'C0APPROVALS');
    const actions = ((posted?.args.blocks ?? []) as { type: string; elements?: { value?: string }[] }[]).find(
      (b) => b.type === 'actions',
    );
    return actions?.elements?.[0]?.value ?? '';
  }

  it("/aws-mfa rotate opens a modal with the caller's active keys, the oldest preselected", async () => {
    await t.iam.send(new CreateAccessKeyCommand({ UserName: requester.userName }));
    await post(
      t.baseUrl,
      slashCommand({ user_id: requester.slackUserId, text: 'rotate', trigger_id: t.fake.issueTriggerId() }),
    );
    await t.fake.waitFor(() => t.fake.callsTo('views.update').some((c) => c.ok));
    const view = t.fake.callsTo('views.update').at(-1)?.args.view as Json;
    expect(view.callback_id).toBe(VIEW.rotationRequest);
    const select = (
      view.blocks as {
        block_id?: string;
        element?: { options: { value: string }[]; initial_option: { value: string } };
      }[]
    ).find((b) => b.block_id === INPUT.key)?.element;
    expect(select?.options).toHaveLength(2);
    expect(select?.initial_option.value).toBe(requester.keyId);
    expect(JSON.parse(String(view.private_metadata)).keys).toContain(requester.keyId);
  });

  it('answers invalid input inline and files nothing', async () => {
    const empty = await submitRequest(requester.keyId, '   ');
    expect(JSON.parse(empty.text)).toEqual({
      response_action: 'errors',
      errors: { [INPUT.reason]: 'Please give a reason.' },
    });
    const notOffered = await submitRequest('FAKEKEYNOTOFFERED', 'ok', [requester.keyId]);
    expect(JSON.parse(notOffered.text).errors[INPUT.key]).toBe('That key is not one of yours.');
    await fileRequest('first');
    const again = await submitRequest(requester.keyId, 'second');
    expect(JSON.parse(again.text).errors[INPUT.key]).toBe(
      'There is already an open rotation request for this key.',
    );
    expect(t.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0APPROVALS')).toHaveLength(
      1,
    );
  });

  it('request → approve by a second person → new key in IAM, secret readable in Secrets Manager, DM with the link, message shows the decision', async () => {
    const requestId = await fileRequest();
    // The reason is the requester's text: only ever inside plain_text, so it cannot ping, link or format.
    const posted = t.fake.callsTo('chat.postMessage').find((c) => c.args.channel === 'C0APPROVALS');
    const blocks = posted?.args.blocks as Json[];
    const holding = blocks.filter((b) => JSON.stringify(b).includes('<!channel>'));
    expect(holding).toEqual([{ type: 'section', text: { type: 'plain_text', text: HOSTILE } }]);
    expect(JSON.stringify(blocks)).toContain(`<@${requester.slackUserId}>`);
    // The requester is told the request went out (a DM sent just after the channel post).
    await t.fake.waitFor(() =>
      t.fake.callsTo('chat.postMessage').some((c) => c.args.channel === requester.slackUserId),
    );

    // The requester and a bystander may not decide; nothing changes.
    for (const who of [requester.slackUserId, 'U0BYSTANDER']) {
      const click = clickInChannel(who, ACTION.approve, requestId);
      await click.sent;
      await t.fake.waitFor(() => t.fake.responses.some((r) => r.path === click.path));
    }
    const refusals = t.fake.responses.map((r) => r.body);
    expect(refusals.map((r) => r.text)).toEqual([
      "You can't decide your own request. Nothing was changed.",
      "You're not allowed to decide this request. Nothing was changed.",
    ]);
    expect(refusals.every((r) => r.response_type === 'ephemeral')).toBe(true);
    expect(await keysOf(requester.userName)).toHaveLength(1);

    // A member of the approvers' user group approves.
    const click = clickInChannel('U0GROUPMEMBER', ACTION.approve, requestId);
    expect((await click.sent).status).toBe(200);
    await t.fake.waitFor(() =>
      t.fake
        .callsTo('chat.postMessage')
        .some(
          (c) =>
            c.args.channel === requester.slackUserId && JSON.stringify(c.args).includes('secretsmanager'),
        ),
    );
    const keys = await keysOf(requester.userName);
    expect(keys).toHaveLength(2);
    const newKey = keys.find((k) => k.id !== requester.keyId);

    const secretName = `aws-mfa-bot/123456789012/${requester.userName}`;
    expect((await storedSecret()).AccessKeyId).toBe(newKey?.id);

    const dm = t.fake
      .callsTo('chat.postMessage')
      .find(
        (c) => c.args.channel === requester.slackUserId && JSON.stringify(c.args).includes('secretsmanager'),
      );
    const dmText = JSON.stringify(dm?.args.blocks);
    expect(dmText).toContain(
      `https://ap-northeast-2.console.aws.amazon.com/secretsmanager/secret?name=${encodeURIComponent(secretName)}&region=ap-northeast-2`,
    );
    expect(dmText).toContain('aws secretsmanager get-secret-value');
    expect(dmText).toContain(ACTION.deactivateOld);

    const updates = t.fake.callsTo('chat.update');
    const last = updates.at(-1)?.args;
    expect(last?.channel).toBe('C0APPROVALS');
    expect(JSON.stringify(last?.blocks)).toContain('<@U0GROUPMEMBER>');
    expect(((last?.blocks ?? []) as Json[]).some((b) => b.type === 'actions')).toBe(false);

    // The owner switches and deactivates the old key from the DM.
    const off = clickInChannel(requester.slackUserId, ACTION.deactivateOld, requestId);
    await off.sent;
    await t.fake.waitFor(() => t.fake.responses.some((r) => r.path === off.path));
    expect((await keysOf(requester.userName)).find((k) => k.id === requester.keyId)?.status).toBe('Inactive');
  });

  it('double clicks and retries of Approve make one key', async () => {
    const requestId = await fileRequest('quarterly');
    const clicks = Array.from(
      { length: 5 },
      () => clickInChannel('U0APPROVER1', ACTION.approve, requestId).sent,
    );
    await Promise.all(clicks);
    await t.fake.waitFor(() => t.fake.callsTo('chat.update').length > 0);
    await new Promise((r) => setTimeout(r, 300));
    expect(await keysOf(requester.userName)).toHaveLength(2);
    await storedSecret();
  });

  it('deny asks a reason, leaves IAM untouched, updates the message and tells the requester', async () => {
    const requestId = await fileRequest('quarterly');
    const outsider = clickInChannel('U0BYSTANDER', ACTION.deny, requestId);
    await outsider.sent;
    await t.fake.waitFor(() => t.fake.responses.some((r) => r.path === outsider.path));
    expect(t.fake.callsTo('views.open')).toEqual([]);

    await clickInChannel('U0APPROVER1', ACTION.deny, requestId).sent;
    await t.fake.waitFor(() => t.fake.callsTo('views.open').some((c) => c.ok));
    const denyView = t.fake.callsTo('views.open')[0]?.args.view as Json;
    expect(denyView.private_metadata).toBe(requestId);
    const submit = (reason: string) =>
      post(
        t.baseUrl,
        interaction({
          type: 'view_submission',
          team: { id: 'T0FAKE' },
          user: { id: 'U0APPROVER1' },
          api_app_id: 'A0FAKE',
          view: {
            id: 'V0DENY',
            type: 'modal',
            callback_id: VIEW.rotationDeny,
            private_metadata: requestId,
            state: {
              values: {
                [INPUT.denyReason]: { [INPUT.denyReason]: { type: 'plain_text_input', value: reason } },
              },
            },
          },
        }),
      );
    expect(JSON.parse((await submit('')).text).response_action).toBe('errors');
    expect((await submit('use SSO instead <!here>')).status).toBe(200);
    await t.fake.waitFor(() => t.fake.callsTo('chat.update').length > 0);
    await t.fake.waitFor(() =>
      t.fake
        .callsTo('chat.postMessage')
        .some((c) => c.args.channel === requester.slackUserId && JSON.stringify(c.args).includes('denied')),
    );
    expect(await keysOf(requester.userName)).toEqual([{ id: requester.keyId, status: 'Active' }]);
    const update = t.fake.callsTo('chat.update').at(-1)?.args;
    expect(JSON.stringify(update?.blocks)).toContain('Denied');
    expect(((update?.blocks ?? []) as Json[]).some((b) => b.type === 'actions')).toBe(false);
  });

  it('delivers the DM after Slack answers 429', async () => {
    const requestId = await fileRequest('quarterly');
    t.fake.rateLimit('chat.postMessage', 1, 1);
    await clickInChannel('U0APPROVER1', ACTION.approve, requestId).sent;
    await t.fake.waitFor(
      () =>
        t.fake
          .callsTo('chat.postMessage')
          .some(
            (c) =>
              c.ok &&
              c.args.channel === requester.slackUserId &&
              JSON.stringify(c.args).includes('secretsmanager'),
          ),
      15_000,
    );
    expect(t.fake.callsTo('chat.postMessage').some((c) => c.error === 'ratelimited')).toBe(true);
    await storedSecret();
  });
});
