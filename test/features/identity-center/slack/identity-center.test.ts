import {
  CloudTrailClient,
  LookupEventsCommand,
  type LookupEventsCommandInput,
} from '@aws-sdk/client-cloudtrail';
import { CreateAccessKeyCommand, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import {
  CreateGroupCommand,
  CreateGroupMembershipCommand,
  CreateUserCommand as CreateSsoUserCommand,
  GetUserIdCommand,
  IdentitystoreClient,
  ListUsersCommand,
} from '@aws-sdk/client-identitystore';
import {
  CreateAccountAssignmentCommand,
  CreatePermissionSetCommand,
  ListInstancesCommand,
  SSOAdminClient,
} from '@aws-sdk/client-sso-admin';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, expect, it } from 'vitest';
import { ACTION, VIEW } from '../../../../src/kernel/slack/action-ids.js';
import { describeWithMoto, motoUrl, unique } from '../../../helpers/aws.js';
import {
  clickInModal,
  confirmRetire,
  type Engineer,
  openChecklistView,
  testClock,
  useTestBot,
} from '../../../helpers/bot.js';
import { post, slashCommand } from '../../../helpers/slack-requests.js';

// moto has identitystore and sso-admin; CloudTrail LookupEvents alone is mocked.
const trail = mockClient(CloudTrailClient);
// Every identity-store call goes through to moto; the mock only counts them.
const identityStore = mockClient(IdentitystoreClient);
identityStore.send.callThrough();
type Json = Record<string, unknown>;
const ACCOUNT = '123456789012';
const START_URL = 'https://d-1234567890.awsapps.com/start';

describeWithMoto(
  'step 7 and /aws-mfa sso: IAM Identity Center through the real Bolt app, against moto',
  () => {
    let sso: { instanceArn: string; identityStoreId: string; readOnly: string; developer: string };
    /** Portal user names whose AWSReservedSSO_* sessions CloudTrail shows. */
    let signedIn: Set<string>;
    // A weekday at 10:00 UTC, so that nudges go out at once (working hours); moved on only where a test says so.
    const start = Date.parse('2026-11-27T10:00:00Z');
    const clock = testClock(start);
    const admin = () => new SSOAdminClient({ endpoint: motoUrl, region: 'ap-northeast-2' });
    const store = () => new IdentitystoreClient({ endpoint: motoUrl, region: 'ap-northeast-2' });

    beforeAll(async () => {
      process.env.AWS_ACCESS_KEY_ID = 'testing';
      process.env.AWS_SECRET_ACCESS_KEY = 'testing';
      const instance = (await admin().send(new ListInstancesCommand({}))).Instances?.[0];
      const instanceArn = instance?.InstanceArn as string;
      const set = async (name: string) =>
        (await admin().send(new CreatePermissionSetCommand({ InstanceArn: instanceArn, Name: name })))
          .PermissionSet?.PermissionSetArn as string;
      sso = {
        instanceArn,
        identityStoreId: instance?.IdentityStoreId as string,
        readOnly: await set(unique('ReadOnly')),
        developer: await set(unique('Developer')),
      };
    });

    const env = {
      IDENTITY_CENTER_START_URL: START_URL,
      IDENTITY_CENTER_REGION: 'ap-northeast-2',
      SECURITY_CHANNEL: 'C0SECURITY',
    };
    // These tests are about what step 7 shows once the e-mail match is trusted; the wait has its own test below.
    const t = useTestBot({ env: { ...env, EMAIL_MAPPING_TRUST_HOURS: '0' }, clock, trail });
    beforeEach(() => {
      signedIn = new Set();
      trail.on(LookupEventsCommand).callsFake(async (input: LookupEventsCommandInput) => {
        const name = input.LookupAttributes?.find((a) => a.AttributeKey === 'Username')?.AttributeValue;
        if (!name || !signedIn.has(name)) return { Events: [] };
        const at = new Date(clock.now().getTime() - 2 * 86_400_000);
        return {
          Events: [
            {
              EventId: unique('ev'),
              EventName: 'ListBuckets',
              EventTime: at,
              Username: name,
              CloudTrailEvent: JSON.stringify({
                eventTime: at.toISOString(),
                userIdentity: {
                  type: 'AssumedRole',
                  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/AWSReservedSSO_ReadOnly_0123456789abcdef/${name}`,
                },
              }),
            },
          ],
        };
      });
    });

    /** An Identity Center user with the engineer's Slack e-mail: ReadOnly directly, Developer through a group. */
    async function ssoUser(who: Engineer): Promise<string> {
      const userName = `${who.userName}@example.com`;
      const user = await store().send(
        new CreateSsoUserCommand({
          IdentityStoreId: sso.identityStoreId,
          UserName: userName,
          DisplayName: who.userName,
          Name: { GivenName: 'Eng', FamilyName: who.userName },
          Emails: [{ Value: `${who.userName}@example.com`, Type: 'work', Primary: true }],
        }),
      );
      const group = await store().send(
        new CreateGroupCommand({ IdentityStoreId: sso.identityStoreId, DisplayName: unique('devs') }),
      );
      await store().send(
        new CreateGroupMembershipCommand({
          IdentityStoreId: sso.identityStoreId,
          GroupId: group.GroupId,
          MemberId: { UserId: user.UserId as string },
        }),
      );
      const assign = (principalId: string, type: 'USER' | 'GROUP', permissionSetArn: string) =>
        admin().send(
          new CreateAccountAssignmentCommand({
            InstanceArn: sso.instanceArn,
            TargetId: ACCOUNT,
            TargetType: 'AWS_ACCOUNT',
            PermissionSetArn: permissionSetArn,
            PrincipalType: type,
            PrincipalId: principalId,
          }),
        );
      await assign(user.UserId as string, 'USER', sso.readOnly);
      await assign(group.GroupId as string, 'GROUP', sso.developer);
      return userName;
    }

    async function checklist(who: Engineer): Promise<{ viewId: string; text: string; view: Json }> {
      const { viewId, view } = await openChecklistView(t, who);
      return { viewId, text: JSON.stringify(view.blocks), view };
    }

    it('a person with an Identity Center user and two assignments sees step 7 with both profiles', async () => {
      const who = await t.engineer({ mfa: true });
      await ssoUser(who);
      const { text } = await checklist(who);
      expect(text).toContain('7. IAM Identity Center* — to do');
      expect(text).toContain(`sso_start_url = ${START_URL}`);
      expect(text).toContain('sso_region = ap-northeast-2');
      expect(text).toContain('[sso-session d-1234567890]');
      for (const set of ['readonly', 'developer'])
        expect(text).toMatch(new RegExp(`\\[profile ${ACCOUNT}-${set}-[0-9a-f]{8}\\]`));
      expect(text).toContain('aws sso login --sso-session d-1234567890');
      // Not used yet: no key is offered for retirement.
      expect(text).not.toContain(`${ACTION.retireOpen}:sso:`);
    });

    it('a person without one sees how to ask for one', async () => {
      const who = await t.engineer({ locale: 'ko-KR' });
      const { text } = await checklist(who);
      expect(text).toContain(`${who.userName}@example.com`);
      expect(text).toContain('Identity Center 사용자가 아직 없습니다');
    });

    it('CloudTrail use marks step 7 done and offers retirement, which switches the key off after the owner confirms', async () => {
      const who = await t.engineer({ mfa: true });
      const key = await t.iam.send(new CreateAccessKeyCommand({ UserName: who.userName }));
      const keyId = key.AccessKey?.AccessKeyId as string;
      signedIn.add(await ssoUser(who));
      const { viewId, text, view } = await checklist(who);
      expect(text).toContain('7. IAM Identity Center* — done');
      expect(text).toContain('AWSReservedSSO_ReadOnly_0123456789abcdef');
      const button = ((view.blocks ?? []) as Json[])
        .filter((b) => b.type === 'actions')
        .flatMap((b) => b.elements as { action_id: string; value: string }[])
        .find((e) => e.action_id === `${ACTION.retireOpen}:sso:${keyId}`);
      expect(button?.value).toBe(keyId);

      // The confirmation modal is pushed, then only the owner's submit switches the key off.
      await clickInModal(t, who.slackUserId, viewId, button?.action_id ?? '', keyId);
      await t.fake.waitFor(() =>
        t.fake.callsTo('views.update').some((c) => (c.args.view as Json)?.callback_id === VIEW.retireConfirm),
      );
      const status = async () =>
        (await t.iam.send(new ListAccessKeysCommand({ UserName: who.userName }))).AccessKeyMetadata?.[0]
          ?.Status;
      const stranger = await t.engineer({ mfa: true });
      await confirmRetire(t, stranger.slackUserId, keyId);
      expect(await status()).toBe('Active');
      await confirmRetire(t, who.slackUserId, keyId);
      expect(await status()).toBe('Inactive');
    });

    it('Re-check reads Identity Center again: a role used since the checklist opened shows as used, with its retire button', async () => {
      const who = await t.engineer({ mfa: true });
      const key = await t.iam.send(new CreateAccessKeyCommand({ UserName: who.userName }));
      const keyId = key.AccessKey?.AccessKeyId as string;
      const ssoName = await ssoUser(who);
      const { viewId, text } = await checklist(who);
      expect(text).toContain('7. IAM Identity Center* — to do');
      // The person signs in with their SSO role now, and presses Re-check two minutes later (inside the 10-minute reuse).
      signedIn.add(ssoName);
      clock.advance(2 * 60_000);
      const before = t.fake.callsTo('views.update').length;
      await clickInModal(t, who.slackUserId, viewId, ACTION.recheck);
      await t.fake.waitFor(() => t.fake.callsTo('views.update').length >= before + 2);
      const after = JSON.stringify((t.fake.view(viewId) as Json | undefined)?.blocks ?? []);
      expect(after).toContain('7. IAM Identity Center* — done');
      expect(after).toContain(`${ACTION.retireOpen}:sso:${keyId}`);
    });

    it('/aws-mfa sso answers with the same commands; help lists it', async () => {
      const who = await t.engineer();
      await ssoUser(who);
      await post(
        t.baseUrl,
        slashCommand({ user_id: who.slackUserId, text: 'sso', response_url: t.fake.responseUrl() }),
      );
      await t.fake.waitFor(() => t.fake.responses.length > 0);
      const text = JSON.stringify(t.fake.responses.at(-1)?.body.blocks);
      expect(text).toContain(`sso_start_url = ${START_URL}`);
      expect(text).toMatch(new RegExp(`\\[profile ${ACCOUNT}-developer-[0-9a-f]{8}\\]`));
      const help = await post(t.baseUrl, slashCommand({ user_id: who.slackUserId, text: 'help' }));
      expect(help.text).toContain('/aws-mfa sso');
    });

    it('the scan nudges a person who uses Identity Center yet keeps an active key, and the digest counts people by stage', async () => {
      const onSso = await t.engineer({ mfa: true });
      await t.iam.send(new CreateAccessKeyCommand({ UserName: onSso.userName }));
      signedIn.add(await ssoUser(onSso));
      const notYet = await t.engineer({ mfa: true });
      await t.iam.send(new CreateAccessKeyCommand({ UserName: notYet.userName }));
      await ssoUser(notYet);
      const withoutSso = await t.engineer({ mfa: true });
      await t.iam.send(new CreateAccessKeyCommand({ UserName: withoutSso.userName }));
      identityStore.resetHistory();
      const result = await t.bot.scan({ dryRun: false });
      // One listing of the identity store; only people in it are looked up one by one.
      expect(identityStore.commandCalls(ListUsersCommand)).toHaveLength(1);
      const lookedUp = identityStore
        .commandCalls(GetUserIdCommand)
        .map((c) => c.args[0].input.AlternateIdentifier?.UniqueAttribute?.AttributeValue);
      expect(lookedUp).not.toContain(`${withoutSso.userName}@example.com`);
      expect(lookedUp).toContain(`${onSso.userName}@example.com`);
      const mine = result.items.filter((i) => i.finding.ruleId === 'sso_with_active_key');
      expect(mine.map((i) => [i.finding.user, i.slackUserId, i.finding.severity])).toEqual([
        [onSso.userName, onSso.slackUserId, 'low'],
      ]);
      expect(result.digest.stages?.identity_center).toBeGreaterThanOrEqual(1);
      expect(result.digest.stages?.iam_keys).toBeGreaterThanOrEqual(1);
      await t.fake.waitFor(() =>
        t.fake.callsTo('chat.postMessage').some((c) => c.args.channel === onSso.slackUserId),
      );
      const dm = t.fake.callsTo('chat.postMessage').find((c) => c.args.channel === onSso.slackUserId);
      expect(JSON.stringify(dm?.args.blocks)).toContain(
        'You sign in through IAM Identity Center, but an access key',
      );
      await t.fake.waitFor(() =>
        t.fake.callsTo('chat.postMessage').some((c) => c.args.channel === 'C0SECURITY'),
      );
      const digest = JSON.stringify(
        t.fake.callsTo('chat.postMessage').find((c) => c.args.channel === 'C0SECURITY')?.args.blocks,
      );
      expect(digest).toContain('People by where they are');
      expect(digest).toContain('On IAM Identity Center');
    });

    it("attack (row 5): a tag-mapped person who changes their Slack e-mail to someone's Identity Center address sees nothing of theirs", async () => {
      await t.restart(env);
      const victim = await t.engineer({ mfa: true });
      signedIn.add(await ssoUser(victim));
      const victimEmail = `${victim.userName}@example.com`;
      // The victim's own match is seen, and after the wait step 7 is theirs.
      expect((await checklist(victim)).text).toContain('matched you to it only recently');
      clock.advance(73 * 3_600_000);
      expect((await checklist(victim)).text).toContain('7. IAM Identity Center* — done');

      // The attacker (mapped by the SlackUserId tag, so their checklist works) takes the victim's address.
      const attacker = await t.engineer({ mfa: true });
      const member = (id: string) => t.fake.members.find((m) => m.id === id);
      const victimMember = member(victim.slackUserId);
      const attackerMember = member(attacker.slackUserId);
      if (victimMember) victimMember.profile = { email: `${unique('moved')}@example.com` };
      if (attackerMember) attackerMember.profile = { email: victimEmail };
      clock.advance(16 * 60_000);

      const { text } = await checklist(attacker);
      expect(text).toContain('matched you to it only recently');
      expect(text).not.toContain('sso_start_url');
      expect(text).not.toContain('AWSReservedSSO_ReadOnly');
      await post(
        t.baseUrl,
        slashCommand({ user_id: attacker.slackUserId, text: 'sso', response_url: t.fake.responseUrl() }),
      );
      await t.fake.waitFor(() => t.fake.responses.length > 0);
      expect(JSON.stringify(t.fake.responses.at(-1)?.body.blocks)).not.toContain('sso_start_url');
      // The security channel hears that the Identity Center user moved to someone else.
      await t.fake.waitFor(() =>
        t.fake
          .callsTo('chat.postMessage')
          .some(
            (c) =>
              c.args.channel === 'C0SECURITY' && String(c.args.text).includes(`<@${attacker.slackUserId}>`),
          ),
      );
      // The scan does not count the attacker as on Identity Center (with a key, they would get its finding).
      await t.iam.send(new CreateAccessKeyCommand({ UserName: attacker.userName }));
      const result = await t.bot.scan({ dryRun: true });
      expect(
        result.items.some(
          (i) => i.finding.ruleId === 'sso_with_active_key' && i.slackUserId === attacker.slackUserId,
        ),
      ).toBe(false);
    });
  },
);
