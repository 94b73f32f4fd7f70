import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
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
