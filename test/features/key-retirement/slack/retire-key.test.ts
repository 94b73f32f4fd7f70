import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CreateAccessKeyCommand, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, expect, it } from 'vitest';
import { ACTION, VIEW } from '../../../../src/kernel/slack/action-ids.js';
import { describeWithMoto } from '../../../helpers/aws.js';
import { type Engineer, testClock, useTestBot } from '../../../helpers/bot.js';
import { post, viewSubmission } from '../../../helpers/slack-requests.js';

const trail = mockClient(CloudTrailClient);
type Json = Record<string, unknown>;
const DAY = 86_400_000;

describeWithMoto('retiring an unused key through the real Bolt app, against moto', () => {
  let owner: Engineer & { keyId: string };
  const start = new Date(Date.now() + 100 * DAY);
  start.setUTCHours(10, 0, 0, 0);
  const clock = testClock(start);

  const t = useTestBot({ env: { SECURITY_CHANNEL: 'C0SECURITY', OLD_KEY_DELETE_DAYS: '7' }, clock, trail });
  beforeEach(async () => {
    const who = await t.engineer({ mfa: true, locale: 'ko-KR' });
    const key = await t.iam.send(new CreateAccessKeyCommand({ UserName: who.userName }));
    owner = { ...who, keyId: key.AccessKey?.AccessKeyId ?? '' };
  });

  const status = async () =>
    (await t.iam.send(new ListAccessKeysCommand({ UserName: owner.userName }))).AccessKeyMetadata?.find(
      (k) => k.AccessKeyId === owner.keyId,
    )?.Status;
  const dmsTo = (channel: string) =>
    t.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channel);
  const submit = (userId: string, keyId: string) =>
    post(t.baseUrl, viewSubmission(userId, t.fake.issueTriggerId(), VIEW.retireConfirm, keyId));
  const buttonIn = (args: Json | undefined, actionId: string) =>
    ((args?.blocks ?? []) as Json[])
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements as { action_id: string; value: string }[])
      .find((e) => e.action_id === actionId);

  it("nudge's button → modal with the key's last use → confirm → Inactive, DM with Reactivate → reactivate → Active", async () => {
    await t.bot.scan({ dryRun: false });
    const nudge = dmsTo(owner.slackUserId).find((c) => buttonIn(c.args, ACTION.nudgeRetire));
    const retire = buttonIn(nudge?.args, ACTION.nudgeRetire);
    expect(retire).toBeDefined();

    const opened = t.clickMessageButton(
      owner.slackUserId,
      owner.slackUserId,
      ACTION.nudgeRetire,
      retire?.value ?? '',
    );
    await opened.sent;
    await t.fake.waitFor(() => t.fake.callsTo('views.update').some((c) => c.ok));
    const modal = t.fake.callsTo('views.update').at(-1)?.args.view as Json;
    expect(modal.callback_id, JSON.stringify(modal.blocks)).toBe(VIEW.retireConfirm);
    expect(modal.private_metadata).toBe(owner.keyId);
    // The key's last use ("never", in Korean) and the consequence.
    expect(JSON.stringify(modal.blocks)).toContain('사용 기록 없음');
    expect(await status()).toBe('Active');

    // Someone else submitting the same modal (a forged or copied view) changes nothing.
    const stranger = await t.engineer({ mfa: true });
    expect((await submit(stranger.slackUserId, owner.keyId)).status).toBe(200);
    await t.fake.waitFor(() => dmsTo(stranger.slackUserId).length > 0);
    expect(String(dmsTo(stranger.slackUserId)[0]?.args.text)).toContain('Only the person');
    expect(await status()).toBe('Active');

    expect((await submit(owner.slackUserId, owner.keyId)).status).toBe(200);
    await t.fake.waitFor(() =>
      dmsTo(owner.slackUserId).some((c) => buttonIn(c.args, ACTION.retireReactivate)),
    );
    expect(await status()).toBe('Inactive');
    const done = dmsTo(owner.slackUserId).find((c) => buttonIn(c.args, ACTION.retireReactivate));
    // The deletion date: OLD_KEY_DELETE_DAYS after now.
    expect(String(done?.args.text)).toContain(
      new Date(clock.now().getTime() + 7 * DAY).toISOString().slice(0, 10),
    );

    // A second confirm (double submit, a retry) does nothing more.
    await submit(owner.slackUserId, owner.keyId);
    await t.fake.waitFor(() => dmsTo(owner.slackUserId).some((c) => String(c.args.text).includes('이미')));

    // Reactivate: only the owner's click acts.
    const reactivate = buttonIn(done?.args, ACTION.retireReactivate)?.value ?? '';
    const bad = t.clickMessageButton(
      stranger.slackUserId,
      stranger.slackUserId,
      ACTION.retireReactivate,
      reactivate,
    );
    await bad.sent;
    await t.fake.waitFor(() => t.fake.responses.some((r) => r.path === bad.path));
    expect(await status()).toBe('Inactive');
    const good = t.clickMessageButton(
      owner.slackUserId,
      owner.slackUserId,
      ACTION.retireReactivate,
      reactivate,
    );
    await good.sent;
    await t.fake.waitFor(() => t.fake.responses.some((r) => r.path === good.path));
    expect(await status()).toBe('Active');
    expect(JSON.stringify(t.fake.responses.find((r) => r.path === good.path)?.body)).toContain('다시 활성화');
    // Every reactivation is told to security.
    await t.fake.waitFor(() =>
      t.fake
        .callsTo('chat.postMessage')
        .some((c) => c.args.channel === 'C0SECURITY' && String(c.args.text).includes('back on')),
    );

    // Back on for one grace period only, like a replaced key: then off again, for good, and deleted on schedule.
    clock.advance(8 * DAY);
    expect((await t.bot.runJobs()).retirementsResumed).toBe(1);
    expect(await status()).toBe('Inactive');
    await t.fake.waitFor(() => dmsTo(owner.slackUserId).some((c) => String(c.args.text).includes('영구히')));
    const final = dmsTo(owner.slackUserId).find((c) => String(c.args.text).includes('영구히'));
    expect(buttonIn(final?.args, ACTION.retireReactivate)).toBeUndefined();
    // The old DM's Reactivate is refused now: once is all.
    const twice = t.clickMessageButton(
      owner.slackUserId,
      owner.slackUserId,
      ACTION.retireReactivate,
      reactivate,
    );
    await twice.sent;
    await t.fake.waitFor(() => t.fake.responses.some((r) => r.path === twice.path));
    expect(JSON.stringify(t.fake.responses.find((r) => r.path === twice.path)?.body)).toContain('이미 한 번');
    expect(await status()).toBe('Inactive');
    clock.advance(8 * DAY);
    expect((await t.bot.runJobs()).retiredDeleted).toBe(1);
  });

  it('the checklist offers it for an unused key; after the window the jobs delete the key and tell the owner', async () => {
    const opened = t.clickMessageButton(
      owner.slackUserId,
      owner.slackUserId,
      `${ACTION.retireOpen}:${owner.keyId}`,
      owner.keyId,
    );
    await opened.sent;
    await t.fake.waitFor(() => t.fake.callsTo('views.update').some((c) => c.ok));
    expect((t.fake.callsTo('views.update').at(-1)?.args.view as Json | undefined)?.private_metadata).toBe(
      owner.keyId,
    );
    await submit(owner.slackUserId, owner.keyId);
    await t.fake.waitFor(() =>
      dmsTo(owner.slackUserId).some((c) => buttonIn(c.args, ACTION.retireReactivate)),
    );

    clock.advance(6 * DAY);
    await t.bot.runJobs();
    expect(await status()).toBe('Inactive');
    clock.advance(2 * DAY);
    const report = await t.bot.runJobs();
    expect(report.retiredDeleted).toBe(1);
    expect(await status()).toBeUndefined();
    await t.fake.waitFor(() =>
      dmsTo(owner.slackUserId).some((c) => String(c.args.text).includes('삭제되었습니다')),
    );
    // And once only.
    expect((await t.bot.runJobs()).retiredDeleted).toBe(0);
  });
});
