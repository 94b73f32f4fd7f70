import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CreateAccessKeyCommand, ListAccessKeysCommand, ListMFADevicesCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, expect, it } from 'vitest';
import { ACTION } from '../../src/kernel/slack/action-ids.js';
import { describeWithMoto } from '../helpers/aws.js';
import { type Engineer, testClock, useTestBot } from '../helpers/bot.js';
import { confirmReset, requestLostDeviceReset } from '../helpers/mfa-reset-bolt.js';
import { fileRotation } from '../helpers/rotation-bolt.js';

const trail = mockClient(CloudTrailClient);
const HOUR = 3_600_000;

describeWithMoto('attack: approving a request past REQUEST_TTL_HOURS that no job has expired yet', () => {
  let owner: Engineer;
  const clock = testClock('now');

  // One approval would do: the only thing standing between the request and AWS is its expiry.
  const t = useTestBot({ env: { REQUEST_TTL_HOURS: '1', MFA_RESET_APPROVALS: '1' }, clock, trail });
  beforeEach(async () => {
    owner = await t.engineer({ mfa: true });
  });

  const answerTo = async (click: { sent: Promise<unknown>; path: string }) => {
    await click.sent;
    await t.fake.waitFor(() => t.fake.responses.some((r) => r.path === click.path));
    return JSON.stringify(t.fake.responses.find((r) => r.path === click.path)?.body);
  };
  const expiredShown = () =>
    t.fake.callsTo('chat.update').some((c) => c.ok && JSON.stringify(c.args).includes('xpired'));

  it('a rotation 30 hours old: Approve is refused, no key is made, the request is expired on the spot', async () => {
    const key = await t.iam.send(new CreateAccessKeyCommand({ UserName: owner.userName }));
    const requestId = await fileRotation(t, owner.slackUserId, key.AccessKey?.AccessKeyId ?? '');
    clock.advance(30 * HOUR);

    const answer = await answerTo(
      t.clickMessageButton('U0APPROVER1', 'C0APPROVALS', ACTION.approve, requestId),
    );
    expect(answer).toContain('expired before it was decided');
    const keys = await t.iam.send(new ListAccessKeysCommand({ UserName: owner.userName }));
    expect(keys.AccessKeyMetadata).toHaveLength(1);
    await t.fake.waitFor(expiredShown);
    // The requester hears it expired; the jobs find nothing left to expire.
    await t.fake.waitFor(() =>
      t.fake.callsTo('chat.postMessage').some((c) => c.args.channel === owner.slackUserId),
    );
    expect((await t.bot.runJobs()).expired).toBe(0);
    // Deny is refused the same way.
    expect(
      await answerTo(t.clickMessageButton('U0APPROVER1', 'C0APPROVALS', ACTION.deny, requestId)),
    ).toContain('already decided');
  });

  it('an MFA reset 30 hours old: the ticked confirmation is refused and the device stays', async () => {
    const serial = (await t.iam.send(new ListMFADevicesCommand({ UserName: owner.userName }))).MFADevices?.[0]
      ?.SerialNumber;
    const { resetId } = await requestLostDeviceReset(t, owner.slackUserId, String(serial));
    clock.advance(30 * HOUR);

    expect(
      await answerTo(t.clickMessageButton('U0APPROVER1', 'C0APPROVALS', ACTION.resetApprove, resetId)),
    ).toContain('expired before it was decided');
    // A confirmation modal opened before the expiry and submitted now changes nothing either.
    await confirmReset(t, 'U0APPROVER1', resetId, true);
    await t.fake.waitFor(expiredShown);
    expect(
      (await t.iam.send(new ListMFADevicesCommand({ UserName: owner.userName }))).MFADevices,
    ).toHaveLength(1);
    expect((await t.bot.runJobs()).resetsExpired).toBe(0);
  });
});
