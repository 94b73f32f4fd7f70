import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CreateAccessKeyCommand, CreateUserCommand, UntagUserCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { expect, it } from 'vitest';
import { VIEW } from '../../src/kernel/slack/action-ids.js';
import { adminClientsIn, describeWithMoto, unique } from '../helpers/aws.js';
import { testClock, useTestBot } from '../helpers/bot.js';
import { submitRotationRequest } from '../helpers/rotation-bolt.js';
import { post, slashCommand } from '../helpers/slack-requests.js';

const trail = mockClient(CloudTrailClient);
const HOUR = 3_600_000;

describeWithMoto('attack: identity tricks against key actions', () => {
  const clock = testClock();

  const t = useTestBot({ env: { SECURITY_CHANNEL: 'C0SECURITY' }, clock, trail });

  /** `/aws-mfa <text>` as `userId`; resolves with the text of the view the bot filled in. */
  async function command(userId: string, text: string): Promise<string> {
    const before = t.fake.callsTo('views.update').length;
    await post(t.baseUrl, slashCommand({ user_id: userId, text, trigger_id: t.fake.issueTriggerId() }));
    await t.fake.waitFor(() => t.fake.callsTo('views.update').filter((c) => c.ok).length > before);
    return JSON.stringify(t.fake.callsTo('views.update').at(-1)?.args.view);
  }

  const offersKeys = (view: string) => view.includes(`"callback_id":"${VIEW.rotationRequest}"`);
  const approvalPosts = () =>
    t.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === 'C0APPROVALS');
  const securityPosts = () =>
    t.fake.callsTo('chat.postMessage').filter((c) => c.ok && c.args.channel === 'C0SECURITY');

  async function iamUserWithKey(userName: string, tags: { Key: string; Value: string }[]) {
    await t.iam.send(new CreateUserCommand({ UserName: userName, Tags: tags }));
    const key = await t.iam.send(new CreateAccessKeyCommand({ UserName: userName }));
    return key.AccessKey?.AccessKeyId ?? '';
  }

  it("a Slack e-mail changed to match someone's IAM user gives no key actions; security is told", async () => {
    const email = `${unique('owner')}@example.com`;
    const owner = { id: `U0${unique('A').slice(2).toUpperCase().replace(/-/g, '')}`, name: 'owner' };
    const intruder = { id: `U0${unique('B').slice(2).toUpperCase().replace(/-/g, '')}`, name: 'intruder' };
    t.fake.members.push({ ...owner, profile: { email } });
    t.fake.members.push({ ...intruder, profile: { email: `${unique('other')}@example.com` } });
    const userName = unique('mapped-by-mail');
    const keyId = await iamUserWithKey(userName, [{ Key: 'email', Value: email }]);

    // The owner, seen for the first time: e-mail mappings wait EMAIL_MAPPING_TRUST_HOURS before key actions.
    expect(await command(owner.id, 'rotate')).toContain('key actions become available on');
    clock.advance(73 * HOUR);
    expect(offersKeys(await command(owner.id, 'rotate'))).toBe(true);

    // The address is recycled: the owner's profile changes, the intruder's takes the old address.
    const ownerMember = t.fake.members.find((m) => m.id === owner.id);
    const intruderMember = t.fake.members.find((m) => m.id === intruder.id);
    if (ownerMember) ownerMember.profile = { email: `${unique('moved')}@example.com` };
    if (intruderMember) intruderMember.profile = { email };
    clock.advance(16 * 60_000);

    const view = await command(intruder.id, 'rotate');
    expect(offersKeys(view)).toBe(false);
    expect(view).toContain('key actions become available on');
    const before = approvalPosts().length;
    expect((await submitRotationRequest(t, intruder.id, keyId, 'mine now')).status).toBe(200);
    await t.fake.waitFor(() =>
      t.fake
        .callsTo('chat.postMessage')
        .some((c) => c.args.channel === intruder.id && String(c.args.text).includes('become available')),
    );
    expect(approvalPosts()).toHaveLength(before);
    await t.fake.waitFor(() => securityPosts().some((c) => String(c.args.text).includes('now maps to')));
    const alert = String(securityPosts().find((c) => String(c.args.text).includes('now maps to'))?.args.text);
    expect(alert).toContain(`<@${intruder.id}>`);
    expect(alert).toContain(`(was <@${owner.id}>)`);
  });

  it('the scan notices an e-mail mapping moving to another person even when nobody acts', async () => {
    const email = `${unique('scan')}@example.com`;
    const [first, second] = ['U0SCANA', 'U0SCANB'].map(
      (id) => `${id}${unique('x').slice(2, 8).toUpperCase()}`,
    );
    t.fake.members.push({ id: String(first), profile: { email } });
    t.fake.members.push({ id: String(second), profile: { email: `${unique('b')}@example.com` } });
    await iamUserWithKey(unique('scanned'), [{ Key: 'email', Value: email }]);
    clock.advance(100 * 24 * HOUR); // the key is now due for rotation: a finding with an owner
    await t.bot.scan({ dryRun: false });
    const before = securityPosts().filter((c) => String(c.args.text).includes('now maps to')).length;

    const a = t.fake.members.find((m) => m.id === first);
    const b = t.fake.members.find((m) => m.id === second);
    if (a) a.profile = { email: `${unique('gone')}@example.com` };
    if (b) b.profile = { email };
    clock.advance(16 * 60_000);
    await t.bot.scan({ dryRun: false });
    const alerts = securityPosts().filter((c) => String(c.args.text).includes('now maps to'));
    expect(alerts.length - before).toBe(1);
    expect(String(alerts.at(-1)?.args.text)).toContain(`<@${second}>`);
  });

  it("an IAM user tagged with someone else's SlackUserId makes a conflict: shown, key actions refused, security told once", async () => {
    const victim = await t.engineer({ mfa: true });
    const victimKey = await t.iam.send(new CreateAccessKeyCommand({ UserName: victim.userName }));
    // The attacker tags their own IAM user with the victim's Slack ID (named to sort first).
    const attackerUser = `aaa-${unique('attacker')}`;
    await iamUserWithKey(attackerUser, [{ Key: 'SlackUserId', Value: victim.slackUserId }]);

    const checklist = await command(victim.slackUserId, '');
    expect(checklist).toContain('Several IAM users claim to be you');
    expect(checklist).toContain(attackerUser);
    await command(victim.slackUserId, '');
    const rotate = await command(victim.slackUserId, 'rotate');
    expect(offersKeys(rotate)).toBe(false);
    expect(rotate).toContain('Several IAM users claim to be you');

    const before = approvalPosts().length;
    await submitRotationRequest(t, victim.slackUserId, victimKey.AccessKey?.AccessKeyId ?? '', 'routine');
    await t.fake.waitFor(() =>
      t.fake
        .callsTo('chat.postMessage')
        .some(
          (c) => c.args.channel === victim.slackUserId && String(c.args.text).includes('Several IAM users'),
        ),
    );
    expect(approvalPosts()).toHaveLength(before);
    await t.fake.waitFor(() =>
      securityPosts().some((c) => String(c.args.text).includes('Several IAM users claim')),
    );
    expect(
      securityPosts().filter((c) => String(c.args.text).includes('Several IAM users claim')),
    ).toHaveLength(1);

    // An administrator removes the false claim: the victim may rotate again.
    await t.iam.send(new UntagUserCommand({ UserName: attackerUser, TagKeys: ['SlackUserId'] }));
    clock.advance(6 * 60_000);
    expect(offersKeys(await command(victim.slackUserId, 'rotate'))).toBe(true);
  });
});

describeWithMoto('attack: claims across accounts, and first e-mail claims on keys', () => {
  const OTHER = '777777777777';
  const clock = testClock();

  const t = useTestBot({ env: { SECURITY_CHANNEL: 'C0SECURITY', AWS_ACCOUNTS: OTHER }, clock, trail });

  async function view(userId: string, text: string): Promise<string> {
    const before = t.fake.callsTo('views.update').filter((c) => c.ok).length;
    await post(t.baseUrl, slashCommand({ user_id: userId, text, trigger_id: t.fake.issueTriggerId() }));
    await t.fake.waitFor(() => t.fake.callsTo('views.update').filter((c) => c.ok).length > before);
    return JSON.stringify(t.fake.callsTo('views.update').at(-1)?.args.view);
  }
  const securityPosts = () =>
    t.fake.callsTo('chat.postMessage').filter((c) => c.ok && c.args.channel === 'C0SECURITY');

  it("row 4: an IAM user in another looked-after account tagged with the victim's SlackUserId is a conflict", async () => {
    const victim = await t.engineer({ mfa: true });
    await t.iam.send(new CreateAccessKeyCommand({ UserName: victim.userName }));
    // The attacker's IAM user in the other account, tagged with the victim's Slack ID: its secret would be theirs.
    const { iam } = await adminClientsIn(OTHER);
    const planted = unique('planted');
    await iam.send(
      new CreateUserCommand({ UserName: planted, Tags: [{ Key: 'SlackUserId', Value: victim.slackUserId }] }),
    );
    await iam.send(new CreateAccessKeyCommand({ UserName: planted }));
    iam.destroy();

    const checklist = await view(victim.slackUserId, '');
    expect(checklist).toContain('Several IAM users claim to be you');
    expect(checklist).toContain(`${planted} (${OTHER})`);
    const rotate = await view(victim.slackUserId, 'rotate');
    expect(rotate).not.toContain(`"callback_id":"${VIEW.rotationRequest}"`);
    await t.fake.waitFor(() =>
      securityPosts().some((c) => String(c.args.text).includes('Several IAM users claim')),
    );
    await view(victim.slackUserId, 'rotate');
    expect(
      securityPosts().filter((c) => String(c.args.text).includes('Several IAM users claim')),
    ).toHaveLength(1);
  });

  it('row 3: the first e-mail claim on an IAM user with keys is told to security at once, not 73 hours later', async () => {
    // A departed owner's address, now someone else's Slack profile: the first sighting of this mapping.
    const email = `${unique('departed')}@example.com`;
    const claimant = `U0${unique('C').slice(2).toUpperCase().replace(/-/g, '')}`;
    t.fake.members.push({ id: claimant, profile: { email } });
    const userName = unique('keyholder');
    await t.iam.send(new CreateUserCommand({ UserName: userName, Tags: [{ Key: 'email', Value: email }] }));
    await t.iam.send(new CreateAccessKeyCommand({ UserName: userName }));

    expect(await view(claimant, 'rotate')).toContain('key actions become available on');
    await t.fake.waitFor(() =>
      securityPosts().some((c) => String(c.args.text).includes('for the first time')),
    );
    const alert = String(
      securityPosts().find((c) => String(c.args.text).includes('for the first time'))?.args.text,
    );
    expect(alert).toContain(userName);
    expect(alert).toContain(`<@${claimant}>`);
    expect(alert).toContain('aws-mfa-bot identities trust');
  });

  it('row 3, in bulk: a scan that first sees e-mail claims on keys tells security once, in one message', async () => {
    const names: string[] = [];
    for (let i = 0; i < 3; i++) {
      const email = `${unique('bulk')}@example.com`;
      t.fake.members.push({ id: `U0BULK${i}${unique('x').slice(2, 6).toUpperCase()}`, profile: { email } });
      const userName = unique('bulk-user');
      names.push(userName);
      await t.iam.send(new CreateUserCommand({ UserName: userName, Tags: [{ Key: 'email', Value: email }] }));
      await t.iam.send(new CreateAccessKeyCommand({ UserName: userName }));
    }
    await t.bot.scan({ dryRun: false });
    await t.fake.waitFor(() =>
      securityPosts().some((c) => String(c.args.text).includes('for the first time')),
    );
    const firsts = securityPosts().filter((c) => String(c.args.text).includes('for the first time'));
    expect(firsts).toHaveLength(1);
    for (const name of names) expect(String(firsts[0]?.args.text)).toContain(name);
    // The next scan has nothing new to say.
    await t.bot.scan({ dryRun: false });
    expect(securityPosts().filter((c) => String(c.args.text).includes('for the first time'))).toHaveLength(1);
  });
});
