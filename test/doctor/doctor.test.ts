import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import {
  CreateUserCommand,
  DeleteUserCommand,
  IAMClient,
  ListOrganizationsFeaturesCommand,
  SimulatePrincipalPolicyCommand,
  type SimulatePrincipalPolicyCommandInput,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { openPostgres, openSqlite } from '../../src/adapters/store/db.js';
import { migrate, migrationStatus } from '../../src/adapters/store/migrations.js';
import { loadConfig } from '../../src/config.js';
import type { CheckResult } from '../../src/doctor/check.js';
import { runDoctor } from '../../src/doctor/run-doctor.js';
import { createLogger } from '../../src/logger.js';
import { type AwsProxy, startAwsProxy } from '../fakes/aws-proxy.js';
import { FakeSlackWebApi } from '../fakes/slack-web-api.js';
import { describeWithMoto, motoUrl, useMotoEnvironment } from '../helpers/aws.js';
import { pgUrl } from '../helpers/databases.js';
import { SIGNING_SECRET } from '../helpers/slack-requests.js';

// moto has no SimulatePrincipalPolicy and no CloudTrail LookupEvents: only those are mocked; every other AWS call
// goes through a counting proxy to moto.
const iamMock = mockClient(IAMClient);
iamMock.send.callThrough();
const trail = mockClient(CloudTrailClient);

/** What doctor may send to AWS besides reads: asking AWS to refresh the credential report it keeps anyway. */
const isHarmless = (action: string) =>
  /^(Get|List|Describe|Simulate|Lookup)/.test(action) || action === 'GenerateCredentialReport';

describeWithMoto('aws-mfa-bot doctor', () => {
  const fake = new FakeSlackWebApi();
  let proxy: AwsProxy;
  let dbFile: string;
  let denied: Set<string>;
  let simulations: SimulatePrincipalPolicyCommandInput[];
  let appToken: string;

  beforeAll(async () => {
    appToken = fake.enableSocketMode();
    await fake.start();
    fake.members.push({ id: 'U0APPROVER1', name: 'approver', profile: { email: 'a@example.com' } });
    fake.usergroups.set('S0APPROVERS', ['U0APPROVER2']);
    useMotoEnvironment();
    proxy = await startAwsProxy(motoUrl as string);
    process.env.AWS_ENDPOINT_URL = proxy.url;
    dbFile = join(mkdtempSync(join(tmpdir(), 'aws-mfa-bot-doctor-')), 'bot.db');
    const db = openSqlite(dbFile);
    await migrate(db);
    await db.close();
  });
  afterAll(async () => {
    iamMock.restore();
    trail.restore();
    await proxy.stop();
    await fake.stop();
  });
  beforeEach(() => {
    denied = new Set();
    simulations = [];
    fake.notIn.clear();
    fake.grantedScopes = new FakeSlackWebApi().grantedScopes;
    trail.reset();
    trail.on(LookupEventsCommand).resolves({ Events: [] });
    iamMock
      .on(SimulatePrincipalPolicyCommand)
      .callsFake(async (input: SimulatePrincipalPolicyCommandInput) => {
        simulations.push(input);
        return {
          EvaluationResults: (input.ActionNames ?? []).map((a) => ({
            EvalActionName: a,
            EvalResourceName: input.ResourceArns?.[0] ?? '*',
            EvalDecision: denied.has(a) ? 'implicitDeny' : 'allowed',
          })),
        };
      });
  });
  afterEach(() => {
    iamMock.resetHistory();
  });

  const doctor = (env: Record<string, string> = {}): Promise<CheckResult[]> =>
    runDoctor(
      loadConfig({
        SLACK_BOT_TOKEN: fake.botToken,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_APP_TOKEN: appToken,
        SLACK_API_URL: fake.apiUrl,
        SLACK_TEAM_ID: 'T0FAKE',
        APPROVAL_CHANNEL: 'C0APPROVALS',
        SECURITY_CHANNEL: 'C0SECURITY',
        APPROVERS: 'U0APPROVER1,S0APPROVERS',
        DATABASE_URL: `sqlite:${dbFile}`,
        ...env,
      }),
      { logger: createLogger('silent') },
    );
  const failures = (results: CheckResult[]) => results.filter((r) => r.status !== 'pass');

  it('passes every check on a healthy setup, and changes nothing', async () => {
    const slackBefore = fake.calls.length;
    const awsBefore = proxy.snapshot();
    const results = await doctor();
    expect(failures(results)).toEqual([]);
    expect(results.map((r) => r.id)).toEqual([
      'config',
      'slack.auth',
      'slack.scopes',
      'slack.channel.approval_channel',
      'slack.channel.security_channel',
      'slack.approvers',
      'slack.socket',
      'database',
      'aws.identity',
      'aws.actions',
      'aws.cloudtrail',
      'aws.credential_report',
      'identities',
    ]);
    expect(results.find((r) => r.id === 'slack.approvers')?.detail).toBe('2 people (groups expanded)');
    // Every action of docs/iam-policy.json was simulated, on the bot's own principal.
    expect(simulations.flatMap((s) => s.ActionNames)).toContain('iam:CreateAccessKey');
    expect(simulations[0]?.PolicySourceArn).toMatch(/^arn:aws:(iam|sts)::123456789012:/);
    // Nothing but reads reached Slack and AWS.
    const slackMethods = new Set(fake.calls.slice(slackBefore).map((c) => c.method));
    expect([...slackMethods].sort()).toEqual(
      [
        'apps.connections.open',
        'auth.test',
        'conversations.history',
        'usergroups.users.list',
        'users.info',
        'users.list',
      ].sort(),
    );
    const sent = [...proxy.snapshot()].filter(([a, n]) => n > (awsBefore.get(a) ?? 0)).map(([a]) => a);
    expect(sent).toContain('GetCallerIdentity');
    expect(sent.filter((a) => !isHarmless(a))).toEqual([]);
  });

  it('SLACK_TEAM_ID naming an organisation: the token must be an org-wide install in it', async () => {
    const auth = async () =>
      (await doctor({ SLACK_TEAM_ID: 'E0FAKEORG' })).find((r) => r.id === 'slack.auth');
    try {
      // A single-workspace token where an organisation is configured.
      expect(await auth()).toMatchObject({
        status: 'fail',
        detail: expect.stringContaining('not an organisation'),
      });
      fake.enterpriseId = 'E0OTHERORG';
      expect((await auth())?.detail).toContain('organisation E0OTHERORG, not SLACK_TEAM_ID E0FAKEORG');
      fake.enterpriseId = 'E0FAKEORG';
      expect((await auth())?.status).toBe('pass');
    } finally {
      fake.enterpriseId = undefined;
    }
  });

  it('the bot not in the approvals channel: that check fails with the fix', async () => {
    fake.notIn.add('C0APPROVALS');
    const results = failures(await doctor());
    expect(results).toEqual([
      expect.objectContaining({
        id: 'slack.channel.approval_channel',
        status: 'fail',
        detail: 'the bot is not a member',
        fix: 'invite it: /invite @aws-mfa-bot in that channel',
      }),
    ]);
  });

  it('a scope missing from the token: that check fails, naming it', async () => {
    fake.grantedScopes = fake.grantedScopes.filter((s) => s !== 'im:history');
    expect(failures(await doctor())).toEqual([
      expect.objectContaining({ id: 'slack.scopes', status: 'fail', detail: 'missing im:history' }),
    ]);
  });

  it('the database down: that check fails with the fix', async () => {
    const results = failures(await doctor({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' }));
    expect(results).toEqual([
      expect.objectContaining({
        id: 'database',
        status: 'fail',
        fix: expect.stringContaining('DATABASE_URL'),
      }),
    ]);
    expect(results[0]?.detail).toMatch(/ECONNREFUSED/);
  });

  it('an action the role lacks: the permissions check fails, naming it', async () => {
    denied.add('iam:CreateAccessKey');
    denied.add('secretsmanager:PutResourcePolicy');
    const results = failures(await doctor());
    expect(results).toEqual([expect.objectContaining({ id: 'aws.actions', status: 'fail' })]);
    expect(results[0]?.detail).toContain('iam:CreateAccessKey, secretsmanager:PutResourcePolicy');
    expect(results[0]?.fix).toContain('docs/iam-policy.json');
  });

  it('CloudTrail unreadable: that check fails', async () => {
    trail.on(LookupEventsCommand).rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));
    expect(failures(await doctor())).toEqual([
      expect.objectContaining({
        id: 'aws.cloudtrail',
        status: 'fail',
        fix: expect.stringContaining('LookupEvents'),
      }),
    ]);
  });

  it('without the simulator it reads one thing per service, and warns (a warning is not a failure)', async () => {
    iamMock
      .on(SimulatePrincipalPolicyCommand)
      .rejects(
        Object.assign(new Error('not allowed'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }),
      );
    const results = failures(await doctor());
    expect(results).toEqual([expect.objectContaining({ id: 'aws.actions', status: 'warn' })]);
    expect(proxy.count('DescribeSecret')).toBeGreaterThan(0);
  });

  it('several accounts: each member role assumed and its permissions checked; a refused one fails with the fix', async () => {
    proxy.deny('AssumeRole', /arn:aws:iam::777777777777:role\//);
    const results = await doctor({ AWS_ACCOUNTS: '222222222222,777777777777' });
    expect(results.filter((r) => r.id.includes('222222222222'))).toEqual([
      expect.objectContaining({ id: 'aws.role.222222222222', status: 'pass' }),
      expect.objectContaining({ id: 'aws.actions.222222222222', status: 'pass' }),
    ]);
    expect(failures(results)).toEqual([
      expect.objectContaining({
        id: 'aws.role.777777777777',
        status: 'fail',
        detail: expect.stringContaining('AccessDenied'),
        fix: expect.stringContaining('docs/member-role.cfn.yaml'),
      }),
      // moto has no ListOrganizationsFeatures: doctor says it could not tell, as a warning with the permission to add.
      expect.objectContaining({
        id: 'aws.root_access',
        status: 'warn',
        fix: expect.stringContaining('iam:ListOrganizationsFeatures'),
      }),
    ]);
  });

  it('centralised root access: on with root sessions passes; without RootSessions warns that deletion cannot work', async () => {
    const features = (EnabledFeatures: ('RootCredentialsManagement' | 'RootSessions')[]) =>
      iamMock
        .on(ListOrganizationsFeaturesCommand)
        .resolves({ OrganizationId: 'o-abcdefghij', EnabledFeatures });
    features(['RootCredentialsManagement', 'RootSessions']);
    const on = await doctor({ AWS_ACCOUNTS: '222222222222' });
    expect(on.find((r) => r.id === 'aws.root_access')).toMatchObject({ status: 'pass' });
    features(['RootCredentialsManagement']);
    const half = await doctor({ AWS_ACCOUNTS: '222222222222' });
    expect(half.find((r) => r.id === 'aws.root_access')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('not RootSessions'),
      fix: expect.stringContaining('RootSessions'),
    });
    // As moto answers it (it has no such action), for the tests that follow.
    iamMock.on(ListOrganizationsFeaturesCommand).rejects(
      Object.assign(new Error('not implemented'), {
        name: 'InvalidAction',
        $metadata: { httpStatusCode: 400 },
      }),
    );
  });

  it('with IAM Identity Center configured, its instance is checked', async () => {
    const ok = await doctor({
      IDENTITY_CENTER_START_URL: 'https://d-1234567890.awsapps.com/start',
      IDENTITY_CENTER_REGION: 'ap-northeast-2',
    });
    expect(ok.find((r) => r.id === 'aws.identity_center')).toMatchObject({ status: 'pass' });
    const wrong = failures(
      await doctor({
        IDENTITY_CENTER_START_URL: 'https://d-1234567890.awsapps.com/start',
        IDENTITY_CENTER_REGION: 'ap-northeast-2',
        IDENTITY_STORE_ID: 'd-0000000000',
      }),
    );
    expect(wrong).toEqual([
      expect.objectContaining({
        id: 'aws.identity_center',
        status: 'fail',
        detail: 'no instance has identity store d-0000000000',
      }),
    ]);
  });

  it('a missing SQLite file is a warning and is not created', async () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'aws-mfa-bot-doctor-')), 'none.db');
    expect(failures(await doctor({ DATABASE_URL: `sqlite:${missing}` }))).toEqual([
      expect.objectContaining({ id: 'database', status: 'warn' }),
    ]);
    expect(existsSync(missing)).toBe(false);
  });

  it.skipIf(!pgUrl)('PostgreSQL: migrated passes; one not migrated fails and stays as it was', async () => {
    const schema = `d_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.end();
    const url = `${pgUrl}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
    const pending = failures(await doctor({ DATABASE_URL: url }));
    expect(pending).toEqual([
      expect.objectContaining({
        id: 'database',
        status: 'fail',
        detail: expect.stringContaining('not applied'),
      }),
    ]);
    const db = openPostgres(pgUrl as string, { schema });
    expect((await migrationStatus(db)).newest).toBe(0);
    await migrate(db);
    await db.close();
    expect(failures(await doctor({ DATABASE_URL: url }))).toEqual([]);
  });
  it('says how many people wait for key actions and names the command that trusts them', async () => {
    const email = `waiting-${randomUUID().slice(0, 8)}@example.com`;
    const admin = new IAMClient({ endpoint: motoUrl, region: 'ap-northeast-2' });
    const userName = `doctor-waits-${randomUUID().slice(0, 8)}`;
    await admin.send(new CreateUserCommand({ UserName: userName, Tags: [{ Key: 'email', Value: email }] }));
    fake.members.push({ id: 'U0WAITS01', profile: { email } });
    try {
      const waiting = failures(await doctor()).filter((r) => r.id === 'identities');
      expect(waiting).toEqual([
        expect.objectContaining({
          status: 'warn',
          detail: expect.stringMatching(/^1 of \d+ people wait for key actions/),
          fix: expect.stringContaining('aws-mfa-bot identities trust --all'),
        }),
      ]);
    } finally {
      fake.members = fake.members.filter((m) => m.id !== 'U0WAITS01');
      await admin.send(new DeleteUserCommand({ UserName: userName }));
      admin.destroy();
    }
  });
  it('warns for each setting that weakens a defence, and still passes', async () => {
    const results = await doctor({
      EMAIL_MAPPING_TRUST_HOURS: '0',
      PRIVILEGED_APPROVALS: '1',
      MFA_RESET_APPROVALS: '1',
    });
    const weak = results.filter((r) => r.id.startsWith('config.') && r.status === 'warn');
    expect(weak.map((r) => r.title)).toEqual([
      'EMAIL_MAPPING_TRUST_HOURS',
      'PRIVILEGED_APPROVALS',
      'MFA_RESET_APPROVALS',
    ]);
    for (const r of weak) expect(r.detail).toMatch(/^weakens a defence — /);
    expect(results.some((r) => r.status === 'fail')).toBe(false);
  });
});
