import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { ListMFADevicesCommand, ListVirtualMFADevicesCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, expect, it } from 'vitest';
import { ACTION, VIEW } from '../../../../src/kernel/slack/action-ids.js';
import { describeWithMoto } from '../../../helpers/aws.js';
import { type Engineer, testClock, useTestBot } from '../../../helpers/bot.js';
import { confirmReset, requestLostDeviceReset } from '../../../helpers/mfa-reset-bolt.js';

const trail = mockClient(CloudTrailClient);
type Json = Record<string, unknown>;
const HOUR = 3_600_000;

describeWithMoto(
  'a lost MFA device, reset with identity-verified approvals, through the real Bolt app',
  () => {
    let owner: Engineer & { serial: string };
    const clock = testClock('now');

    const t = useTestBot({ env: { SECURITY_CHANNEL: 'C0SECURITY', MFA_REENROL_HOURS: '24' }, clock, trail });
    beforeEach(async () => {
      t.fake.usergroups.set('S0APPROVERS', ['U0APPROVER2']);
      for (const id of ['U0APPROVER1', 'U0APPROVER2'])
        t.fake.members.push({
          id,
          name: id,
          locale: 'en-US',
          tz: 'UTC',
          profile: { email: `${id}@example.com` },
        });
      const who = await t.engineer({ mfa: false, locale: 'ko-KR' });
      owner = { ...who, serial: await t.enableMfa(who.userName) };
    });

    const posts = (channel: string) =>
      t.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === channel);
    const devices = async () =>
      (await t.iam.send(new ListMFADevicesCommand({ UserName: owner.userName }))).MFADevices ?? [];
    const virtualExists = async () =>
      ((await t.iam.send(new ListVirtualMFADevicesCommand({}))).VirtualMFADevices ?? []).some(
        (d) => d.SerialNumber === owner.serial,
      );
    const confirm = (approver: string, resetId: string, ticked: boolean) =>
      confirmReset(t, approver, resetId, ticked);

    /** The person asks through the lost-device modal; resolves with the reset's ID. */
    async function requestReset(): Promise<string> {
      const { resetId, message } = await requestLostDeviceReset(t, owner.slackUserId, owner.serial);
      // The note is shown as plain text: `<!channel>` pings nobody.
      expect(JSON.stringify(message)).toContain(
        '"type":"plain_text","text":"Phone fell in the Han river <!channel>"',
      );
      return resetId;
    }

    async function removeWithTwoApprovals(resetId: string) {
      await confirm('U0APPROVER1', resetId, true);
      await confirm('U0APPROVER2', resetId, true);
      await t.fake.waitFor(() =>
        posts(owner.slackUserId).some((c) => String(c.args.text).includes('제거했습니다')),
      );
    }

    it('two approvals with the identity check remove the device; self, non-approver, unticked and double clicks change nothing', async () => {
      const resetId = await requestReset();

      // The requester's own Approve, and a non-approver's: told so, no modal, nothing recorded.
      for (const [who, says] of [
        [owner.slackUserId, '자신의 재설정은 승인할 수 없습니다'],
        ['U0NOTAPPROVER', 'not allowed'],
      ] as const) {
        const click = t.clickMessageButton(who, 'C0APPROVALS', ACTION.resetApprove, resetId);
        await click.sent;
        await t.fake.waitFor(() => t.fake.responses.some((r) => r.path === click.path));
        expect(JSON.stringify(t.fake.responses.find((r) => r.path === click.path)?.body)).toContain(says);
      }
      expect(t.fake.callsTo('views.open').filter((c) => c.ok)).toHaveLength(1); // the lost-device modal only

      // An approver's Approve opens the confirmation modal with the checkbox.
      const click = t.clickMessageButton('U0APPROVER1', 'C0APPROVALS', ACTION.resetApprove, resetId);
      await click.sent;
      await t.fake.waitFor(() => t.fake.callsTo('views.open').filter((c) => c.ok).length === 2);
      const confirmModal = t.fake.callsTo('views.open').at(-1)?.args.view as Json;
      expect(confirmModal.callback_id).toBe(VIEW.resetConfirm);
      expect(JSON.stringify(confirmModal.blocks)).toContain('outside Slack');

      // Unticked: the modal shows an error and nothing is recorded.
      const unticked = await confirm('U0APPROVER1', resetId, false);
      expect(JSON.parse(unticked.text)).toMatchObject({ response_action: 'errors' });
      // Forged: the requester submits the confirmation modal themselves.
      await confirm(owner.slackUserId, resetId, true);
      await t.fake.waitFor(() =>
        posts(owner.slackUserId).some((c) => String(c.args.text).includes('자신의 재설정')),
      );

      await confirm('U0APPROVER1', resetId, true);
      await t.fake.waitFor(() => posts('U0APPROVER1').some((c) => String(c.args.text).includes('1 of 2')));
      await confirm('U0APPROVER1', resetId, true);
      await t.fake.waitFor(() =>
        posts('U0APPROVER1').some((c) => String(c.args.text).includes('already approved')),
      );
      expect(await devices()).toHaveLength(1);

      await confirm('U0APPROVER2', resetId, true);
      await t.fake.waitFor(() =>
        posts(owner.slackUserId).some((c) => String(c.args.text).includes('제거했습니다')),
      );
      expect(await devices()).toEqual([]);
      expect(await virtualExists()).toBe(false);
      const done = posts(owner.slackUserId).find((c) => String(c.args.text).includes('제거했습니다'));
      // Re-enrol with the exact serial the console will give the new device.
      expect(JSON.stringify(done?.args.blocks)).toContain(`arn:aws:iam::123456789012:mfa/${owner.userName}`);
      await t.fake.waitFor(() =>
        t.fake
          .callsTo('chat.update')
          .some((c) => JSON.stringify(c.args).includes('waiting for re-enrolment')),
      );

      // A late third approval changes nothing.
      await confirm('U0APPROVER2', resetId, true);
      await t.fake.waitFor(() =>
        posts('U0APPROVER2').some((c) => String(c.args.text).includes('already decided')),
      );
    });

    it('a re-enrolment within the window ends the follow-up quietly', async () => {
      await removeWithTwoApprovals(await requestReset());
      await t.enableMfa(owner.userName);
      clock.advance(25 * HOUR);
      const report = await t.bot.runJobs();
      expect(report).toMatchObject({ reenrolled: 1, reenrolOverdue: 0 });
      expect(posts('C0SECURITY')).toHaveLength(0);
    });

    it('no re-enrolment: one nudge to the owner and one security post', async () => {
      await removeWithTwoApprovals(await requestReset());
      clock.advance(23 * HOUR);
      expect(await t.bot.runJobs()).toMatchObject({ reenrolled: 0, reenrolOverdue: 0 });
      clock.advance(2 * HOUR);
      expect(await t.bot.runJobs()).toMatchObject({ reenrolOverdue: 1 });
      expect(await t.bot.runJobs()).toMatchObject({ reenrolOverdue: 0 });
      await t.fake.waitFor(() => posts('C0SECURITY').length === 1);
      expect(String(posts('C0SECURITY')[0]?.args.text)).toContain('no new device has been enabled');
      expect(
        posts(owner.slackUserId).filter((c) => String(c.args.text).includes('아직 MFA 디바이스가 없습니다')),
      ).toHaveLength(1);
    });
  },
);
