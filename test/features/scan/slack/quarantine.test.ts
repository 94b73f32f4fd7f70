import {
  CloudTrailClient,
  LookupEventsCommand,
  type LookupEventsCommandInput,
} from '@aws-sdk/client-cloudtrail';
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateUserCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { isAdminLevel } from '../../../../src/kernel/people/privilege.js';
import { ACTION } from '../../../../src/kernel/slack/action-ids.js';
import { adminClientsIn, describeWithMoto, unique } from '../../../helpers/aws.js';
import { testClock, useTestBot } from '../../../helpers/bot.js';

const trail = mockClient(CloudTrailClient);
const QUARANTINE = 'arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3';
/**
 * An account of its own: a quarantined user left in the shared one would be every other test's finding (an alert to
 * their security channel). The bot looks after it through AWS_ACCOUNTS, as for any member account.
 */
const ACCOUNT = '444455556666';

describeWithMoto('a key AWS quarantined, through the real Bolt app', () => {
  let owner: { slackUserId: string; userName: string; keyId: string };
  let iam: IAMClient;
  // Tomorrow at 03:00 UTC: outside the owner's working hours, when an ordinary nudge would wait.
  const night = new Date(Date.now() + 86_400_000);
  night.setUTCHours(3, 0, 0, 0);
  const clock = testClock(night);

  const t = useTestBot({ env: { SECURITY_CHANNEL: 'C0SECURITY', AWS_ACCOUNTS: ACCOUNT }, clock, trail });
  beforeEach(async () => {
    ({ iam } = await adminClientsIn(ACCOUNT));
    const userName = unique('quarantined');
    const slackUserId = `U0Q${userName
      .slice(-8)
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '')}`;
    t.fake.members.push({
      id: slackUserId,
      name: userName,
      locale: 'en-US',
      tz: 'UTC',
      profile: { email: `${userName}@example.com` },
    });
    await iam.send(
      new CreateUserCommand({ UserName: userName, Tags: [{ Key: 'SlackUserId', Value: slackUserId }] }),
    );
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
    owner = { slackUserId, userName, keyId: key.AccessKey?.AccessKeyId as string };
  });
  afterEach(() => iam.destroy());

  const posts = (channel: string) =>
    t.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channel);

  it('tells the owner and security at once, at night, once; the DM offers a rotation and no snooze', async () => {
    const before = await t.bot.scan({ dryRun: false });
    expect(before.items.some((i) => i.finding.ruleId === 'key_quarantined')).toBe(false);
    expect(posts(owner.slackUserId)).toEqual([]);

    await iam.send(new AttachUserPolicyCommand({ UserName: owner.userName, PolicyArn: QUARANTINE }));
    const scan = await t.bot.scan({ dryRun: false });
    const mine = scan.items.filter((i) => i.finding.user === owner.userName);
    expect(mine.find((i) => i.finding.ruleId === 'key_quarantined')).toMatchObject({
      outcome: 'send',
      finding: { severity: 'critical' },
    });
    const dm = posts(owner.slackUserId).filter((c) => c.ok);
    expect(dm).toHaveLength(1);
    const blocks = JSON.stringify(dm[0]?.args.blocks);
    expect(blocks).toContain('quarantined');
    expect(blocks).toContain(ACTION.nudgeRotate);
    expect(blocks).not.toContain(ACTION.nudgeSnooze);
    const alerts = posts('C0SECURITY').filter((c) => String(c.args.text).includes('quarantined'));
    expect(alerts).toHaveLength(1);
    expect(String(alerts[0]?.args.text)).toContain(`<@${owner.slackUserId}>`);
    expect(scan.digest.counts.key_quarantined).toBe(1);

    // Once: a second scan tells nobody again.
    await t.bot.scan({ dryRun: false });
    expect(posts(owner.slackUserId).filter((c) => c.ok)).toHaveLength(1);
    expect(posts('C0SECURITY').filter((c) => String(c.args.text).includes('quarantined'))).toHaveLength(1);
  });

  it('a quarantined user counts as admin-level: its rotation needs PRIVILEGED_APPROVALS', async () => {
    const { createIamAdapter } = await import('../../../../src/adapters/aws/iam.js');
    const port = createIamAdapter(iam);
    const user = { userName: owner.userName, arn: '', accountId: ACCOUNT, tags: {} };
    expect(await isAdminLevel(port, user)).toBe(false);
    await iam.send(new AttachUserPolicyCommand({ UserName: owner.userName, PolicyArn: QUARANTINE }));
    expect(await isAdminLevel(port, user)).toBe(true);
  });

  it("CloudTrail's AttachUserPolicy tells at once, before any scan, with the keys' latest calls; the scan repeats nothing", async () => {
    const attachedAt = new Date(night.getTime() - 10 * 60_000);
    trail.on(LookupEventsCommand).callsFake(async (input: LookupEventsCommandInput) => {
      const [attribute] = input.LookupAttributes ?? [];
      if (attribute?.AttributeKey === 'EventName' && attribute.AttributeValue === 'AttachUserPolicy')
        return {
          Events: [
            {
              EventId: unique('attach'),
              EventName: 'AttachUserPolicy',
              EventTime: attachedAt,
              CloudTrailEvent: JSON.stringify({
                eventName: 'AttachUserPolicy',
                eventSource: 'iam.amazonaws.com',
                eventTime: attachedAt.toISOString(),
                userIdentity: { type: 'AWSService', invokedBy: 'iam.amazonaws.com' },
                requestParameters: { userName: owner.userName, policyArn: QUARANTINE },
                recipientAccountId: ACCOUNT,
              }),
            },
          ],
        };
      if (attribute?.AttributeKey === 'AccessKeyId' && attribute.AttributeValue === owner.keyId)
        return {
          Events: [
            {
              EventId: unique('use'),
              EventName: 'ListBuckets',
              EventSource: 's3.amazonaws.com',
              EventTime: new Date(attachedAt.getTime() - 3_600_000),
              CloudTrailEvent: JSON.stringify({
                awsRegion: 'eu-west-1',
                sourceIPAddress: '198.51.100.7',
                userAgent: 'curl/8 <!channel>',
              }),
            },
          ],
        };
      return { Events: [] };
    });

    const report = await t.bot.trailSignals();
    expect(report.notified).toBe(1);
    const alerts = () =>
      posts('C0SECURITY').filter((c) => c.ok && JSON.stringify(c.args.blocks).includes(owner.userName));
    expect(alerts()).toHaveLength(1);
    const alert = JSON.stringify(alerts()[0]?.args.blocks);
    expect(alert).toContain('Latest calls made with their keys');
    expect(alert).toContain('ListBuckets');
    expect(alert).toContain('198.51.100.7');
    expect(alert).not.toContain('<!channel>');
    // The owner, at night, at once: a rotation offered, no snooze.
    const dm = posts(owner.slackUserId).filter((c) => c.ok);
    expect(dm).toHaveLength(1);
    expect(JSON.stringify(dm[0]?.args.blocks)).toContain(ACTION.nudgeRotate);

    // The same finding whichever sees it: neither the job again nor the scan (now that IAM shows it) tells anyone.
    await iam.send(new AttachUserPolicyCommand({ UserName: owner.userName, PolicyArn: QUARANTINE }));
    expect((await t.bot.trailSignals()).notified).toBe(0);
    const scan = await t.bot.scan({ dryRun: false });
    expect(
      scan.items.find((i) => i.finding.user === owner.userName && i.finding.ruleId === 'key_quarantined')
        ?.outcome,
    ).toBe('recently_sent');
    expect(alerts()).toHaveLength(1);
    expect(posts(owner.slackUserId).filter((c) => c.ok)).toHaveLength(1);
    // Two runs of the signals job: each paces CloudTrail at its budget (about a request a second per account).
  }, 60_000);
});
