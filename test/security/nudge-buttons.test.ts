import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CreateAccessKeyCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, expect, it } from 'vitest';
import { ACTION } from '../../src/kernel/slack/action-ids.js';
import { describeWithMoto } from '../helpers/aws.js';
import { type Engineer, testClock, useTestBot } from '../helpers/bot.js';
import { fileRotation } from '../helpers/rotation-bolt.js';

const trail = mockClient(CloudTrailClient);
type Json = Record<string, unknown>;

describeWithMoto('attack: edited nudge buttons and floods of clicks', () => {
  let victim: Engineer & { keyId: string };
  let attacker: Engineer;
  // 100 days on, at 10:00 UTC: the victim's key is due for rotation and it is working hours.
  const later = new Date(Date.now() + 100 * 86_400_000);
  later.setUTCHours(10, 0, 0, 0);

  const t = useTestBot({ env: { SECURITY_CHANNEL: 'C0SECURITY' }, clock: testClock(later), trail });
  beforeEach(async () => {
    const who = await t.engineer({ mfa: true });
    const key = await t.iam.send(new CreateAccessKeyCommand({ UserName: who.userName }));
    victim = { ...who, keyId: key.AccessKey?.AccessKeyId ?? '' };
    attacker = await t.engineer({ mfa: true });
    await t.bot.scan({ dryRun: false });
  });

  function victimButton(actionId: string): string {
    const dm = t.fake
      .callsTo('chat.postMessage')
      .find((c) => c.args.channel === victim.slackUserId && JSON.stringify(c.args).includes(actionId));
    const actions = ((dm?.args.blocks ?? []) as Json[]).find((b) => b.type === 'actions');
    return ((actions?.elements ?? []) as { action_id: string; value: string }[]).find(
      (e) => e.action_id === actionId,
    )?.value as string;
  }

  async function clickAs(userId: string, actionId: string, value: string) {
    const click = t.clickMessageButton(userId, userId, actionId, value);
    await click.sent;
    await t.fake.waitFor(() => t.fake.responses.some((r) => r.path === click.path));
    return t.fake.responses.filter((r) => r.path === click.path).map((r) => r.body);
  }

  const securityPosts = () =>
    t.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0SECURITY');

  it("someone else's copy of a nudge's button changes nothing: no snooze, no answer, no report", async () => {
    const snooze = victimButton(ACTION.nudgeSnooze);
    const before = securityPosts().length;
    const [answer] = await clickAs(attacker.slackUserId, ACTION.nudgeSnooze, snooze);
    expect(answer?.text).toContain("wasn't sent to you");
    const [report] = await clickAs(attacker.slackUserId, ACTION.nudgeNotMine, snooze);
    expect(report?.text).toContain("wasn't sent to you");
    // The victim's own button with another ARN written in is refused too.
    const edited = JSON.stringify({
      ...JSON.parse(snooze),
      arn: 'arn:aws:iam::123456789012:user/someone-else',
    });
    const [forged] = await clickAs(victim.slackUserId, ACTION.nudgeNotMine, edited);
    expect(forged?.text).toContain("wasn't sent to you");
    expect(securityPosts()).toHaveLength(before);
    expect(
      t.logs.filter(
        (l) => l.msg === 'a nudge button was pressed by someone it was not sent to; nothing changed',
      ),
    ).toHaveLength(3);

    // Not snoozed and not answered: the next scan past the repeat window nudges again and escalation still counts.
    const second = await t.bot.scan({ dryRun: true });
    expect(
      second.items.find((i) => i.finding.user === victim.userName && i.finding.ruleId === 'key_rotation_due')
        ?.outcome,
    ).toBe('recently_sent');
    const [own] = await clickAs(victim.slackUserId, ACTION.nudgeSnooze, snooze);
    expect(own?.text).toContain('Snoozed until');
  });

  it('50 concurrent "Not my account" clicks: one security post; the button is replaced by the answer', async () => {
    const value = victimButton(ACTION.nudgeNotMine);
    const before = securityPosts().length;
    const clicks = Array.from({ length: 50 }, () =>
      t.clickMessageButton(victim.slackUserId, victim.slackUserId, ACTION.nudgeNotMine, value),
    );
    await Promise.all(clicks.map((c) => c.sent));
    await t.fake.waitFor(() => clicks.every((c) => t.fake.responses.some((r) => r.path === c.path)), 15_000);
    // The security post goes through the outbox at Slack's pace (a second after the digest at most): then no more.
    await t.fake.waitFor(() => securityPosts().length > before);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(securityPosts().length - before).toBe(1);
    const answers = clicks.flatMap((c) =>
      t.fake.responses.filter((r) => r.path === c.path).map((r) => r.body),
    );
    expect(answers.every((a) => a.replace_original === true)).toBe(true);
    expect(answers.some((a) => JSON.stringify(a.blocks).includes('security team has been told'))).toBe(true);
    for (const a of answers)
      expect(((a.blocks ?? []) as Json[]).some((b) => b.type === 'actions')).toBe(false);
  });

  it('30 concurrent approvals of one request: one new key and one "new key ready" DM', async () => {
    const requestId = await fileRotation(t, victim.slackUserId, victim.keyId);
    const clicks = Array.from(
      { length: 30 },
      () => t.clickMessageButton('U0APPROVER1', 'C0APPROVALS', ACTION.approve, requestId).sent,
    );
    await Promise.all(clicks);
    const ready = () =>
      t.fake
        .callsTo('chat.postMessage')
        .filter(
          (c) =>
            c.ok &&
            c.args.channel === victim.slackUserId &&
            JSON.stringify(c.args).includes('secretsmanager'),
        );
    await t.fake.waitFor(() => ready().length > 0);
    await t.bot.runJobs();
    await new Promise((r) => setTimeout(r, 300));
    expect(ready()).toHaveLength(1);
  });
});
