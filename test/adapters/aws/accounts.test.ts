import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  CreateAccessKeyCommand,
  CreateAccountAliasCommand,
  CreateUserCommand,
  ListAccessKeysCommand,
} from '@aws-sdk/client-iam';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { ListSecretsCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { openSqlite } from '../../../src/adapters/store/db.js';
import { createPostureStore } from '../../../src/adapters/store/posture-store.js';
import { OWNER_CONFIRMED_TAG } from '../../../src/kernel/domain/identity.js';
import { type AwsProxy, startAwsProxy } from '../../fakes/aws-proxy.js';
import { adminClientsIn, describeWithMoto, motoUrl, unique } from '../../helpers/aws.js';
import { startTestBot, type TestBot } from '../../helpers/bot.js';
import { approveUntilDelivered, fileRotation } from '../../helpers/rotation-bolt.js';
import { interaction, post, slashCommand } from '../../helpers/slack-requests.js';

const trail = mockClient(CloudTrailClient);
type Json = Record<string, unknown>;
const OWN = '123456789012';
// Accounts of this file only: moto's state is shared by the whole run.
const A = '444444444444';
const B = '555555555555';
const DENIED = '666666666666';

describeWithMoto('one bot for several AWS accounts (AssumeRole), against moto', () => {
  let proxy: AwsProxy;
  let t: TestBot;
  let now = Date.now();
  const clock = { now: () => new Date(now) };

  beforeAll(async () => {
    proxy = await startAwsProxy(motoUrl);
    // The third account's role does not trust the bot: AssumeRole is refused there.
    proxy.deny('AssumeRole', new RegExp(`arn:aws:iam::${DENIED}:role/`));
  });
  afterAll(() => proxy.stop());
  afterEach(() => t.stop());

  async function start(env: Record<string, string>) {
    trail.reset();
    trail.on(LookupEventsCommand).resolves({ Events: [] });
    // Noon UTC today: inside the people's working hours (their zone is UTC), whenever the suite runs.
    now = new Date(`${new Date().toISOString().slice(0, 10)}T12:00:00Z`).getTime();
    t = await startTestBot({ SECURITY_CHANNEL: 'C0SECURITY', ...env }, { awsEndpoint: proxy.url, clock });
  }

  /**
   * An IAM user with one key in `accountId`, tagged for `slackUserId` — and confirmed by an administrator as that
   * person's (`aws-mfa-bot:owner-confirmed`): several IAM users claiming one person are otherwise a conflict.
   */
  async function userIn(accountId: string, slackUserId: string) {
    const { iam, secrets } = await adminClientsIn(accountId);
    const userName = unique('multi');
    await iam.send(
      new CreateUserCommand({
        UserName: userName,
        Tags: [
          { Key: 'SlackUserId', Value: slackUserId },
          { Key: OWNER_CONFIRMED_TAG, Value: slackUserId },
        ],
      }),
    );
    const key = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
    return { iam, secrets, userName, keyId: key.AccessKey?.AccessKeyId ?? '' };
  }

  it('a person mapped in two accounts gets one checklist with both, and rotates a key in the other account', async () => {
    await start({ AWS_ACCOUNTS: `${A},${B},${DENIED}` });
    const assumed = proxy.count('AssumeRole');
    const person = await t.engineer({ mfa: true, confirmed: true });
    const there = await userIn(A, person.slackUserId);
    await there.iam.send(new CreateAccountAliasCommand({ AccountAlias: 'team-a' }));

    await post(t.baseUrl, slashCommand({ user_id: person.slackUserId, trigger_id: t.fake.issueTriggerId() }));
    await t.fake.waitFor(() => t.fake.callsTo('views.update').some((c) => c.ok));
    const blocks = ((t.fake.callsTo('views.update').at(-1)?.args.view as Json | undefined)?.blocks ??
      []) as Json[];
    const text = JSON.stringify(blocks);
    expect(blocks.filter((b) => b.type === 'header')).toHaveLength(2);
    expect(text).toContain(`\`${OWN}\``);
    // Account A is named with its alias wherever a person reads it.
    expect(text).toContain(`\`${A} (team-a)\``);
    expect(text).toContain(person.userName);
    expect(text).toContain(there.userName);

    // `/aws-mfa session` answers for both accounts, each named.
    const responseUrl = t.fake.responseUrl();
    await post(
      t.baseUrl,
      slashCommand({
        user_id: person.slackUserId,
        text: 'session',
        trigger_id: t.fake.issueTriggerId(),
        response_url: responseUrl,
      }),
    );
    const path = new URL(responseUrl).pathname;
    await t.fake.waitFor(() => t.fake.responses.some((r) => r.path === path));
    const session = JSON.stringify(t.fake.responses.find((r) => r.path === path)?.body);
    expect(session).toContain(`Account \`${OWN}\``);
    expect(session).toContain(`Account \`${A} (team-a)\``);

    const requestId = await fileRotation(t, person.slackUserId, there.keyId);
    const approval = t.fake.callsTo('chat.postMessage').find((c) => c.args.channel === 'C0APPROVALS');
    expect(JSON.stringify(approval?.args.blocks)).toContain(`${A} (team-a)`);
    await approveUntilDelivered(t, 'U0APPROVER1', requestId, person.slackUserId);

    // The new key, its secret and its policy are in account A; nothing in the bot's own account.
    const keys = await there.iam.send(new ListAccessKeysCommand({ UserName: there.userName }));
    expect(keys.AccessKeyMetadata).toHaveLength(2);
    const name = `aws-mfa-bot/${A}/${there.userName}`;
    const inA = await there.secrets.send(
      new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [name] }] }),
    );
    expect(inA.SecretList?.map((s) => s.Name)).toEqual([name]);
    const own = new SecretsManagerClient({ endpoint: motoUrl, region: 'ap-northeast-2' });
    const inOwn = await own.send(new ListSecretsCommand({ Filters: [{ Key: 'name', Values: [name] }] }));
    own.destroy();
    expect(inOwn.SecretList ?? []).toEqual([]);
    // The bot reached accounts A and B (listing people) through the role it assumes there: once each, however many
    // calls followed — the SDK's provider caches the credentials until shortly before they expire.
    expect(proxy.count('AssumeRole') - assumed).toBe(2);
  });

  it('scans every account; one whose role cannot be assumed is listed as unreadable while the others are scanned', async () => {
    const dbFile = join(mkdtempSync(join(tmpdir(), 'aws-mfa-bot-accounts-')), 'bot.db');
    await start({ AWS_ACCOUNTS: `${A},${B},${DENIED}`, DATABASE_URL: `sqlite:${dbFile}` });
    const ownPerson = await t.engineer({ mfa: false, confirmed: true });
    await t.iam.send(new CreateAccessKeyCommand({ UserName: ownPerson.userName }));
    const inA = await userIn(A, ownPerson.slackUserId);
    const other = await t.engineer({ mfa: false });
    const inB = await userIn(B, other.slackUserId);

    const result = await t.bot.scan({ dryRun: false });
    expect(result.unreadable.map((u) => u.accountId)).toEqual([DENIED]);
    expect(result.unreadable[0]?.reason).toContain('AccessDenied');
    const arns = new Set(result.items.map((i) => i.finding.arn));
    expect(arns).toContain(`arn:aws:iam::${A}:user/${inA.userName}`);
    expect(arns).toContain(`arn:aws:iam::${B}:user/${inB.userName}`);
    expect([...arns].some((a) => a.endsWith(`:user/${ownPerson.userName}`))).toBe(true);
    // The person with users in two accounts gets one DM for both.
    const dms = t.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === ownPerson.slackUserId);
    expect(dms).toHaveLength(1);
    expect(JSON.stringify(dms[0]?.args)).toContain(inA.userName);
    expect(JSON.stringify(dms[0]?.args)).toContain(ownPerson.userName);

    // CloudTrail signals read every account: us-east-1 and the region, four look-ups each. (The CloudTrail mock
    // answers before credentials are resolved, so the denied account's client reads too.)
    const lookups = trail.commandCalls(LookupEventsCommand).length;
    const signals = await t.bot.trailSignals();
    expect(trail.commandCalls(LookupEventsCommand).length - lookups).toBe(4 * 2 * 4);
    expect(signals.denied).toBe(false);

    const digest = t.fake.callsTo('chat.postMessage').find((c) => c.args.channel === 'C0SECURITY');
    const text = JSON.stringify(digest?.args.blocks);
    expect(text).toContain('Findings by account');
    expect(text).toContain('could not be read');
    expect(text).toContain(DENIED);

    // The weekly picture's snapshot: the organisation, and each account that could be read (counts only).
    const db = openSqlite(dbFile);
    const snapshots = await createPostureStore(db).since(0);
    await db.close();
    expect(snapshots.map((s) => s.accountId).sort()).toEqual(['', '123456789012', A, B].sort());
    const byAccount = new Map(snapshots.map((s) => [s.accountId, s.counts]));
    expect(byAccount.get(A)?.activeKeys).toBeGreaterThanOrEqual(1);
    expect(byAccount.get(B)?.iamUsers).toBeGreaterThanOrEqual(1);
    // Each account counts its own users: together they are the organisation's.
    const users = (id: string) => byAccount.get(id)?.iamUsers ?? Number.NaN;
    expect(users('123456789012') + users(A) + users(B)).toBe(users(''));
    expect(JSON.stringify(snapshots)).not.toContain(inA.userName);
  });

  it('AWS_ACCOUNTS=organization discovers the ACTIVE accounts of the Organization', async () => {
    const org = new OrganizationsClient({ endpoint: motoUrl, region: 'us-east-1' });
    await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const created: string[] = [];
    for (const n of [1, 2]) {
      const r = await org.send(
        new CreateAccountCommand({ AccountName: `member-${n}`, Email: `member-${n}@example.com` }),
      );
      created.push(r.CreateAccountStatus?.AccountId ?? '');
    }
    org.destroy();
    await start({ AWS_ACCOUNTS: 'organization', AWS_ACCOUNTS_EXCLUDE: DENIED });
    const result = await t.bot.scan({ dryRun: true });
    const listed = (result.digest.accounts ?? []).map((a) => a.accountId);
    expect(listed).toEqual(expect.arrayContaining([OWN, ...created]));
    expect(result.unreadable).toEqual([]);
  });

  it('past what one modal holds, the other accounts are summarised with a picker that shows the picked one first', async () => {
    const many = [
      '710000000001',
      '710000000002',
      '710000000003',
      '710000000004',
      '710000000005',
      '710000000006',
    ];
    await start({ AWS_ACCOUNTS: many.join(',') });
    const person = await t.engineer({ mfa: true, confirmed: true });
    for (const id of many) await userIn(id, person.slackUserId);

    await post(t.baseUrl, slashCommand({ user_id: person.slackUserId, trigger_id: t.fake.issueTriggerId() }));
    await t.fake.waitFor(() => t.fake.callsTo('views.update').some((c) => c.ok));
    const first = t.fake.callsTo('views.update').at(-1);
    const view = first?.args.view as Json | undefined;
    const blocks = (view?.blocks ?? []) as Json[];
    expect(first?.ok).toBe(true); // the fake enforces Slack's 100 blocks a modal
    expect(blocks.length).toBeLessThanOrEqual(100);
    const picker = blocks
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements as { type: string; action_id: string; options?: { value: string }[] }[])
      .find((e) => e.type === 'static_select');
    expect(picker?.action_id).toBe('checklist_pick_account');
    const summarised = picker?.options?.map((o) => o.value) ?? [];
    expect(summarised.length).toBeGreaterThan(0);
    // Every account is there: in full, or in the summary.
    for (const id of [OWN, ...many]) expect(JSON.stringify(blocks)).toContain(id);

    const picked = summarised.at(-1) ?? '';
    const viewId = String(first?.args.view_id);
    const updates = t.fake.callsTo('views.update').length;
    await post(
      t.baseUrl,
      interaction({
        type: 'block_actions',
        user: { id: person.slackUserId },
        team: { id: 'T0FAKE' },
        api_app_id: 'A0FAKE',
        trigger_id: t.fake.issueTriggerId(),
        view: { id: viewId, type: 'modal' },
        actions: [
          {
            type: 'static_select',
            action_id: 'checklist_pick_account',
            block_id: 'b',
            action_ts: '1',
            selected_option: { text: { type: 'plain_text', text: picked }, value: picked },
          },
        ],
      }),
    );
    await t.fake.waitFor(() => t.fake.callsTo('views.update').length >= updates + 2);
    const redrawn = ((t.fake.callsTo('views.update').at(-1)?.args.view as Json | undefined)?.blocks ??
      []) as Json[];
    const summary = redrawn.find((b) => b.type === 'section');
    expect(JSON.stringify(summary)).toContain(picked);
  });
});
