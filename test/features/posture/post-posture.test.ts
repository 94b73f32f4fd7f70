import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CreateAccessKeyCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { PNG } from 'pngjs';
import { expect, it } from 'vitest';
import { CHART_HEIGHT, CHART_WIDTH } from '../../../src/features/posture/chart.js';
import { describeWithMoto } from '../../helpers/aws.js';
import { testClock, useTestBot } from '../../helpers/bot.js';

const trail = mockClient(CloudTrailClient);
const WEEK = 7 * 86_400_000;

/** The share of pixels that are not white: a picture with charts on it, not a blank canvas. */
function inked(png: PNG): number {
  let ink = 0;
  for (let i = 0; i < png.data.length; i += 4)
    if ((png.data[i] ?? 255) < 240 || (png.data[i + 1] ?? 255) < 240 || (png.data[i + 2] ?? 255) < 240) ink++;
  return ink / (png.width * png.height);
}

describeWithMoto('the weekly posture picture through the real bot, against moto and the fake Slack', () => {
  // Monday 2026-08-31 10:00 UTC, then week after week.
  const clock = testClock('2026-08-31T10:00:00Z');

  const t = useTestBot({ env: { SECURITY_CHANNEL: 'C0SECURITY' }, clock, trail });

  it('scans over several weeks record snapshots; the chart is a PNG uploaded through the two-step API to security', async () => {
    const who = await t.engineer({ mfa: false });
    await t.iam.send(new CreateAccessKeyCommand({ UserName: who.userName }));
    for (let week = 0; week < 5; week++) {
      if (week === 3) await t.enableMfa(who.userName);
      await t.bot.scan({ dryRun: false });
      clock.advance(WEEK);
    }
    expect(await t.bot.postPosture()).toBe('posted');

    const asked = t.fake.callsTo('files.getUploadURLExternal');
    const done = t.fake.callsTo('files.completeUploadExternal');
    expect(asked.map((c) => c.ok)).toEqual([true]);
    expect(done.map((c) => c.ok)).toEqual([true]);
    const file = t.fake.uploads.get(String(asked[0]?.result?.file_id));
    expect(file?.channel).toBe('C0SECURITY');
    expect(file?.filename).toMatch(/^aws-mfa-posture-\d{4}-\d{2}-\d{2}\.png$/);
    expect(file?.altText).toMatch(/^Four line charts over the last 12 weeks: iam users with mfa \(%\) from/);
    expect(file?.comment).toMatch(/^Last 12 weeks — IAM users with MFA \(%\): [\d.]+% \(\+[\d.]+ pts\)/);

    const png = PNG.sync.read(file?.bytes as Buffer);
    expect([png.width, png.height]).toEqual([CHART_WIDTH, CHART_HEIGHT]);
    expect(inked(png)).toBeGreaterThan(0.01);
    // Nothing about a person went into the picture's words.
    expect(`${file?.comment} ${file?.altText}`).not.toContain(who.userName);
  });

  it('posts nothing without a scan in the window', async () => {
    expect(await t.bot.postPosture()).toBe('no_data');
    expect(t.fake.callsTo('files.getUploadURLExternal')).toEqual([]);
  });
});
