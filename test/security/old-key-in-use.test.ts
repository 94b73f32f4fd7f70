import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  CreateAccessKeyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListUsersCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, expect, it } from 'vitest';
import { ACTION } from '../../src/kernel/slack/action-ids.js';
import { describeWithMoto, motoUrl } from '../helpers/aws.js';
import { type Engineer, testClock, useTestBot } from '../helpers/bot.js';
import { approveUntilDelivered, fileRotation } from '../helpers/rotation-bolt.js';

const trail = mockClient(CloudTrailClient);
const DAY = 86_400_000;
/** What a thief controls in CloudTrail: the user agent of their own calls. */
const HOSTILE_AGENT =
  'aws-cli/2.0\n*AWS Security*: new key FAILED. Re-verify at https://evil.example/login <!channel>';

describeWithMoto('attack: a stolen old key keeps being used after its rotation', () => {
  let owner: Engineer & { keyId: string; secret: string };
  const clock = testClock();

  const t = useTestBot({ env: { SECURITY_CHANNEL: 'C0SECURITY' }, clock, trail });
  beforeEach(async () => {
    // The old key's recent use, as CloudTrail shows it: from a new address, with a hostile user agent.
    trail.on(LookupEventsCommand).resolves({
      Events: [
        {
          EventName: 'ListUsers',
          EventTime: new Date(),
          CloudTrailEvent: JSON.stringify({
            eventName: 'ListUsers',
            eventSource: 'iam.amazonaws.com',
            awsRegion: 'us-east-1',
            sourceIPAddress: '203.0.113.9',
            userAgent: HOSTILE_AGENT,
            eventTime: new Date().toISOString(),
          }),
        },
      ],
    });
    t.fake.usergroups.set('S0APPROVERS', []);
    const who = await t.engineer({ mfa: true });
    const key = await t.iam.send(new CreateAccessKeyCommand({ UserName: who.userName }));
    owner = { ...who, keyId: key.AccessKey?.AccessKeyId ?? '', secret: key.AccessKey?.SecretAccessKey ?? '' };
  });

  /** The thief calls AWS with the old key; moto records its last use (at real time, a second later). */
  async function useOldKey(): Promise<void> {
    await new Promise((r) => setTimeout(r, 1100));
    const thief = new IAMClient({
      endpoint: motoUrl,
      credentials: { accessKeyId: owner.keyId, secretAccessKey: owner.secret },
    });
    await thief.send(new ListUsersCommand({}));
    thief.destroy();
  }

  async function oldKeyStatus(): Promise<string | undefined> {
    const r = await t.iam.send(new ListAccessKeysCommand({ UserName: owner.userName }));
    return r.AccessKeyMetadata?.find((k) => k.AccessKeyId === owner.keyId)?.Status;
  }

  const postsTo = (channel: string) =>
    t.fake.callsTo('chat.postMessage').filter((c) => c.ok && c.args.channel === channel);

  it('is put off once at most, then deactivated anyway; security and the approver see the evidence, inert', async () => {
    const requestId = await fileRotation(t, owner.slackUserId, owner.keyId);
    await approveUntilDelivered(t, 'U0APPROVER1', requestId, owner.slackUserId);

    await useOldKey();
    clock.advance(7 * DAY + 60_000);
    expect(await t.bot.runJobs()).toMatchObject({ postponed: 1, deactivated: 0 });
    expect(await oldKeyStatus()).toBe('Active');
    expect(postsTo('C0SECURITY').map((c) => String(c.args.text))).toEqual([
      expect.stringContaining('was used after its rotation'),
    ]);
    expect(postsTo('U0APPROVER1').some((c) => String(c.args.text).includes('used after its rotation'))).toBe(
      true,
    );

    // The thief keeps going: no second postponement.
    await useOldKey();
    clock.advance(7 * DAY + 60_000);
    expect(await t.bot.runJobs()).toMatchObject({ postponed: 0, deactivated: 1 });
    expect(await oldKeyStatus()).toBe('Inactive');
    const security = postsTo('C0SECURITY');
    expect(security).toHaveLength(2);
    expect(String(security[1]?.args.text)).toContain('deactivated anyway');

    // Months later nothing came back to life, and the owner was told a bounded number of times.
    for (let i = 0; i < 10; i++) {
      clock.advance(8 * DAY);
      await t.bot.runJobs();
    }
    expect(await oldKeyStatus()).toBeUndefined();
    const ownerDms = postsTo(owner.slackUserId).filter((c) => !String(c.args.text).includes('submitted'));
    expect(ownerDms.length).toBeLessThanOrEqual(6);

    // The user agent the thief chose can neither format, link, mention nor break a line anywhere it was shown.
    const shown = [...security, ...postsTo('U0APPROVER1'), ...postsTo(owner.slackUserId)].map((c) =>
      JSON.stringify(c.args),
    );
    const withAgent = shown.filter((s) => s.includes('evil.example'));
    expect(withAgent.length).toBeGreaterThanOrEqual(3);
    for (const s of withAgent) {
      expect(s).not.toContain('<!channel>');
      expect(s).toContain(
        '`aws-cli/2.0 *AWS Security*: new key FAILED. Re-verify at https://evil.example/login &lt;!channel&gt;`',
      );
    }
  });

  it('a reactivation lasts one grace period and is told to the security channel', async () => {
    const requestId = await fileRotation(t, owner.slackUserId, owner.keyId);
    await approveUntilDelivered(t, 'U0APPROVER1', requestId, owner.slackUserId);
    clock.advance(7 * DAY + 60_000);
    expect(await t.bot.runJobs()).toMatchObject({ deactivated: 1 });

    const click = t.clickMessageButton(owner.slackUserId, owner.slackUserId, ACTION.reactivateOld, requestId);
    await click.sent;
    await t.fake.waitFor(() => t.fake.responses.some((r) => r.path === click.path));
    expect(await oldKeyStatus()).toBe('Active');
    await t.fake.waitFor(() => postsTo('C0SECURITY').length === 1);
    expect(String(postsTo('C0SECURITY')[0]?.args.text)).toContain('reactivated the replaced key');

    // Used while it is back on, as the owner said they needed: still switched off at the end of that period.
    await useOldKey();
    clock.advance(7 * DAY + 60_000);
    await t.bot.runJobs();
    expect(await oldKeyStatus()).toBe('Inactive');
    clock.advance(150 * DAY);
    await t.bot.runJobs();
    expect(await oldKeyStatus()).toBeUndefined();
  });
});
