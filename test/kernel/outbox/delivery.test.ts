import {
  CloudTrailClient,
  LookupEventsCommand,
  type LookupEventsCommandInput,
} from '@aws-sdk/client-cloudtrail';
import { CreateAccessKeyCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { expect, it } from 'vitest';
import { describeWithMoto } from '../../helpers/aws.js';
import { testClock, useTestBot } from '../../helpers/bot.js';

const trail = mockClient(CloudTrailClient);

describeWithMoto('queued DMs when Slack keeps refusing one of them', () => {
  // 100 days on, 10:00 UTC: every new key is due for rotation and it is working hours.
  const later = new Date(Date.now() + 100 * 86_400_000);
  later.setUTCHours(10, 0, 0, 0);
  const clock = testClock(later);

  const t = useTestBot({ clock, trail });

  it("one person's DM failing (HTTP 500) holds up nobody else; it is sent by a later run", async () => {
    const [stuck, other] = [await t.engineer({ mfa: true }), await t.engineer({ mfa: true })];
    for (const who of [stuck, other])
      await t.iam.send(new CreateAccessKeyCommand({ UserName: who.userName }));
    t.fake.failPostsTo(stuck.slackUserId, 60_000);

    // The scan sends what it queued: the other person's DM goes out, the refused one after a few bounded retries.
    await t.bot.scan({ dryRun: false });
    const to = (id: string) => t.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === id);
    expect(to(other.slackUserId).some((c) => c.ok)).toBe(true);
    expect(to(stuck.slackUserId).every((c) => !c.ok)).toBe(true);
    expect(to(stuck.slackUserId).length).toBeLessThanOrEqual(3 * 2);
    expect(t.logs.some((l) => l.msg === 'DM not sent; will retry')).toBe(true);

    // Slack recovers; a run after the retry delay delivers it.
    t.fake.failPostsTo(stuck.slackUserId, 0);
    clock.advance(60_000);
    const report = await t.bot.runJobs();
    expect(report.dmsSent).toBeGreaterThan(0);
    expect(to(stuck.slackUserId).some((c) => c.ok)).toBe(true);
  });
});

describeWithMoto(
  "Slack's pace: one message a second per conversation, with the fake Web API enforcing it",
  () => {
    const t = useTestBot({ env: { SECURITY_CHANNEL: 'C0SECURITY' }, trail });

    it('three alerts to the security channel at once are spaced out, and none is refused', async () => {
      const who = await t.engineer({ mfa: true });
      const at = new Date(Date.now() - 5 * 60_000);
      trail.on(LookupEventsCommand).callsFake(async (input: LookupEventsCommandInput) => {
        const [attribute] = input.LookupAttributes ?? [];
        if (attribute?.AttributeValue !== 'CreateAccessKey') return { Events: [] };
        return {
          Events: [1, 2, 3].map((n) => ({
            EventId: `created-${who.userName}-${n}`,
            EventName: 'CreateAccessKey',
            EventTime: at,
            CloudTrailEvent: JSON.stringify({
              eventName: 'CreateAccessKey',
              userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/someone-else' },
              requestParameters: { userName: who.userName },
              sourceIPAddress: '203.0.113.5',
            }),
          })),
        };
      });
      t.fake.enforcePostPace(1_000);

      const report = await t.bot.trailSignals();
      expect(report.notified).toBe(3);
      const posts = t.fake.callsTo('chat.postMessage');
      const security = posts.filter((c) => c.args.channel === 'C0SECURITY');
      expect(security.map((c) => c.ok)).toEqual([true, true, true]);
      expect(posts.filter((c) => !c.ok)).toEqual([]);
    }, 30_000);
  },
);
