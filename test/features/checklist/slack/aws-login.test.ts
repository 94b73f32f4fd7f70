import {
  CloudTrailClient,
  LookupEventsCommand,
  type LookupEventsCommandInput,
} from '@aws-sdk/client-cloudtrail';
import { AttachUserPolicyCommand, CreateAccessKeyCommand, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, expect, it } from 'vitest';
import { ACTION, VIEW } from '../../../../src/kernel/slack/action-ids.js';
import { describeWithMoto } from '../../../helpers/aws.js';
import {
  clickInModal,
  confirmRetire,
  type Engineer,
  openChecklistView,
  testClock,
  useTestBot,
} from '../../../helpers/bot.js';

type Json = Record<string, unknown>;
const trail = mockClient(CloudTrailClient);
const SIGN_IN_POLICY = 'arn:aws:iam::aws:policy/SignInLocalDevelopmentAccess';

describeWithMoto('step 6 with aws login, through the real Bolt app, against moto', () => {
  const clock = testClock('2026-11-30T10:00:00Z');
  /** IAM users whose `aws login` CloudTrail shows (a CreateOAuth2Token by the sign-in service, two days ago). */
  let loggedIn: Set<string>;
  const t = useTestBot({ clock, trail });
  beforeEach(() => {
    loggedIn = new Set();
    trail.on(LookupEventsCommand).callsFake(async (input: LookupEventsCommandInput) => {
      const name = input.LookupAttributes?.[0]?.AttributeValue;
      if (name !== 'CreateOAuth2Token') return { Events: [] };
      const at = new Date(clock.now().getTime() - 2 * 86_400_000);
      return {
        Events: [...loggedIn].map((userName) => ({
          EventId: `login-${userName}`,
          EventName: 'CreateOAuth2Token',
          EventSource: 'signin.amazonaws.com',
          EventTime: at,
          CloudTrailEvent: JSON.stringify({
            eventSource: 'signin.amazonaws.com',
            eventName: 'CreateOAuth2Token',
            eventTime: at.toISOString(),
            awsRegion: 'us-east-1',
            userIdentity: {
              type: 'IAMUser',
              arn: `arn:aws:iam::123456789012:user/${userName}`,
              userName,
            },
          }),
        })),
      };
    });
  });

  async function personWithKey(): Promise<Engineer & { keyId: string }> {
    const who = await t.engineer({ mfa: true });
    await t.iam.send(new AttachUserPolicyCommand({ UserName: who.userName, PolicyArn: SIGN_IN_POLICY }));
    const key = await t.iam.send(new CreateAccessKeyCommand({ UserName: who.userName }));
    return { ...who, keyId: key.AccessKey?.AccessKeyId as string };
  }
  const retireButton = (view: Json, keyId: string) =>
    ((view.blocks ?? []) as Json[])
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements as { action_id: string; value: string }[])
      .find((e) => e.action_id === `${ACTION.retireOpen}:login:${keyId}`);
  const status = async (userName: string) =>
    (await t.iam.send(new ListAccessKeysCommand({ UserName: userName }))).AccessKeyMetadata?.[0]?.Status;

  it('an aws login marks step 6 done with a retire button; only the owner can switch the key off', async () => {
    const who = await personWithKey();
    loggedIn.add(who.userName);
    const { viewId, view } = await openChecklistView(t, who);
    const text = JSON.stringify(view.blocks);
    expect(text).toContain('6. ');
    // The day as a date token in the reader's time zone, the UTC date its fallback.
    expect(text).toMatch(/You used `aws login` on <!date\^\d+\^\{date_num\}\|2026-11-28>/);
    expect(text).not.toContain('get-session-token --serial-number');
    const button = retireButton(view, who.keyId);
    expect(button?.value).toBe(who.keyId);

    await clickInModal(t, who.slackUserId, viewId, button?.action_id ?? '', who.keyId);
    await t.fake.waitFor(() =>
      t.fake.callsTo('views.update').some((c) => (c.args.view as Json)?.callback_id === VIEW.retireConfirm),
    );

    // Someone else submitting the confirmation for that key changes nothing.
    const stranger = await t.engineer({ mfa: true });
    await confirmRetire(t, stranger.slackUserId, who.keyId);
    expect(await status(who.userName)).toBe('Active');

    await confirmRetire(t, who.slackUserId, who.keyId);
    expect(await status(who.userName)).toBe('Inactive');
  });

  it('Re-check reads CloudTrail again: an aws login since the checklist opened shows, with its button', async () => {
    const who = await personWithKey();
    const first = await openChecklistView(t, who);
    expect(retireButton(first.view, who.keyId)).toBeUndefined();

    loggedIn.add(who.userName);
    clock.advance(2 * 60_000);
    const before = t.fake.callsTo('views.update').length;
    await clickInModal(t, who.slackUserId, first.viewId, ACTION.recheck);
    // "Checking…", then the checklist read again.
    await t.fake.waitFor(() => t.fake.callsTo('views.update').length >= before + 2);
    const after = t.fake.view(first.viewId) as Json;
    expect(JSON.stringify(after.blocks)).toContain('You used `aws login`');
    expect(retireButton(after, who.keyId)?.value).toBe(who.keyId);
  });

  it('the scan tells an aws login user with an active key once (low severity), and not one without a login', async () => {
    const who = await personWithKey();
    const other = await personWithKey();
    loggedIn.add(who.userName);
    const first = await t.bot.scan({ dryRun: false });
    const rules = (userName: string) =>
      first.items.filter((i) => i.finding.user === userName).map((i) => i.finding.ruleId);
    expect(rules(who.userName)).toContain('login_with_active_key');
    expect(rules(other.userName)).not.toContain('login_with_active_key');
    const dms = () => t.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === who.slackUserId);
    await t.fake.waitFor(() => dms().some((c) => c.ok));
    expect(JSON.stringify(dms().map((c) => c.args.blocks))).toContain('You use `aws login`');

    const second = await t.bot.scan({ dryRun: false });
    expect(
      second.items.find(
        (i) => i.finding.user === who.userName && i.finding.ruleId === 'login_with_active_key',
      )?.outcome,
    ).toBe('recently_sent');
  });
});
