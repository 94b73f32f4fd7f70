import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import pg from 'pg';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, openSqlite } from '../../src/adapters/store/db.js';
import { migrate } from '../../src/adapters/store/migrations.js';
import { createPostureStore } from '../../src/adapters/store/posture-store.js';
import { startAwsProxy } from '../fakes/aws-proxy.js';
import { startCloudTrailStub } from '../fakes/cloudtrail-stub.js';
import { FakeSlackWebApi } from '../fakes/slack-web-api.js';
import { describeWithMoto, motoUrl } from '../helpers/aws.js';
import { compiledCli } from '../helpers/cli.js';
import { pgUrl } from '../helpers/databases.js';
import { SIGNING_SECRET } from '../helpers/slack-requests.js';
import { freePort } from '../setup/moto-server.js';

// The CLI is tested as an operator runs it: compiled, in its own process, configured only by the environment.
const cliBuild = compiledCli('.test-dist');
const run = (args: string[], env: Record<string, string>) => cliBuild.run(args, env);

beforeAll(() => cliBuild.build(), 120_000);

describe('aws-mfa-bot CLI', () => {
  it('refuses to start without configuration, naming what to set and without a stack trace', async () => {
    const { code, stderr } = await run(['start'], {}).done;
    expect(code).toBe(1);
    expect(stderr).toContain('SLACK_BOT_TOKEN is required');
    expect(stderr).toContain('.env.example');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('doctor with no configuration prints one ✗ line naming what to set, and exits 1', async () => {
    const { code, stdout } = await run(['doctor'], {}).done;
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /^✗ configuration: SLACK_BOT_TOKEN is required.* — fix: set the variables as \.env\.example describes\n/,
    );
    expect(stdout).toContain('0 passed, 0 warnings, 1 failed');
  });

  it('report --png draws the weekly picture: from a fixture, and from the database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aws-mfa-bot-report-'));
    const fromFixture = await run(
      [
        'report',
        '--snapshots',
        resolve('test/fixtures/posture-snapshots.json'),
        '--png',
        `${dir}/fixture.png`,
      ],
      {},
    ).done;
    expect(fromFixture.code, fromFixture.stderr).toBe(0);
    expect(fromFixture.stdout).toMatch(/^Last 12 weeks — IAM users with MFA \(%\): 97\.1% \(\+42\.1 pts\)/);
    const fixturePng = PNG.sync.read(readFileSync(`${dir}/fixture.png`));
    expect([fixturePng.width, fixturePng.height]).toEqual([1200, 760]);

    // Two scans' snapshots in a database, three weeks apart: a picture of 6 weeks with two points.
    const db = openSqlite(`${dir}/bot.db`);
    await migrate(db);
    const store = createPostureStore(db);
    const counts = (mfa: number) => ({
      iamUsers: 10,
      iamUsersWithMfa: mfa,
      activeKeys: 8,
      keysByAge: { under30: 2, toMax: 4, overMax: 2 },
      unusedKeys: 1,
      findings: {},
    });
    const now = Date.now();
    await store.record('s1', { at: now - 21 * 86_400_000, accountId: '', counts: counts(4) });
    await store.record('s2', { at: now, accountId: '', counts: counts(7) });
    await db.close();
    const fromDb = await run(['report', '--png', `${dir}/db.png`, '--weeks', '6'], {
      SLACK_BOT_TOKEN: 'xoxb-fake-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      APPROVAL_CHANNEL: 'C0APPROVALS',
      APPROVERS: 'U0APPROVER1',
      DATABASE_URL: `sqlite:${dir}/bot.db`,
    }).done;
    expect(fromDb.code, fromDb.stderr).toBe(0);
    expect(fromDb.stdout).toContain('IAM users with MFA (%): 70% (+30 pts)');
    expect(PNG.sync.read(readFileSync(`${dir}/db.png`)).width).toBe(1200);

    const usage = await run(['report'], {}).done;
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('report needs --png FILE');
  }, 60_000);

  it('answers an unknown command with usage and exit code 2', async () => {
    const { code, stderr } = await run(['frobnicate'], {}).done;
    expect(code).toBe(2);
    expect(stderr).toContain('Usage: aws-mfa-bot <command>');
  });
});

describeWithMoto('aws-mfa-bot start', () => {
  const fake = new FakeSlackWebApi();
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());

  const env = (port: number, token = fake.botToken) => ({
    SLACK_BOT_TOKEN: token,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    PORT: String(port),
    AWS_ENDPOINT_URL: motoUrl,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'ap-northeast-2',
    APPROVAL_CHANNEL: 'C0APPROVALS',
    APPROVERS: 'U0APPROVER1',
    DATABASE_URL: 'sqlite::memory:',
  });

  it('serves health checks and shuts down cleanly on SIGTERM', async () => {
    const port = await freePort();
    const { child, done } = run(['start'], env(port));
    let healthy = false;
    for (let i = 0; i < 100 && !healthy; i++) {
      healthy = await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.ok,
        () => false,
      );
      if (!healthy) await new Promise((r) => setTimeout(r, 100));
    }
    expect(healthy).toBe(true);
    child.kill('SIGTERM');
    const { code, stdout } = await done;
    expect(code).toBe(0);
    expect(stdout).toContain('shutting down');
    expect(stdout).not.toContain(fake.botToken);
  }, 20_000);

  it('jobs runs every due job once, prints a JSON report and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aws-mfa-bot-jobs-'));
    const trail = await startCloudTrailStub();
    const { code, stdout, stderr } = await run(['jobs'], {
      ...env(await freePort()),
      DATABASE_URL: `sqlite:${dir}/bot.db`,
      AWS_ENDPOINT_URL_CLOUDTRAIL: trail.url,
    }).done;
    await trail.stop();
    // The CloudTrail signals job ran too: us-east-1 and the region, four look-ups each (sign-ins, keys created,
    // quarantine policies attached, root).
    expect(trail.calls).toBe(8);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout.trim().split('\n').at(-1) ?? '')).toMatchObject({
      expired: 0,
      resumed: 0,
      dmsSent: 0,
      errors: 0,
    });
  }, 20_000);

  it('scan --dry-run --json prints the findings and sends nothing', async () => {
    const before = fake.calls.length;
    const dir = mkdtempSync(join(tmpdir(), 'aws-mfa-bot-scan-'));
    const { code, stdout } = await run(['scan', '--dry-run', '--json'], {
      ...env(await freePort()),
      DATABASE_URL: `sqlite:${dir}/bot.db`,
    }).done;
    expect(code).toBe(0);
    const out = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    expect(out.dryRun).toBe(true);
    expect(Array.isArray(out.findings)).toBe(true);
    expect(out.findings.length).toBeGreaterThan(0);
    expect(out.findings[0]).toEqual(
      expect.objectContaining({
        rule: expect.any(String),
        user: expect.any(String),
        outcome: expect.any(String),
      }),
    );
    expect(fake.calls.slice(before).filter((c) => c.method === 'chat.postMessage')).toEqual([]);
  }, 60_000);

  it('scan runs once however many start: a second one while the first holds the claim does nothing, exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aws-mfa-bot-scan-once-'));
    const url = `sqlite:${dir}/bot.db`;
    const db = openSqlite(`${dir}/bot.db`);
    await migrate(db);
    // Another process is scanning (its claim is live): this one must not send a second digest.
    await db.run('INSERT INTO run_claims (name, holder, until_at) VALUES (?, ?, ?)', [
      'scan',
      'other-host:pid7#boot1',
      Date.now() + 60_000,
    ]);
    const before = fake.calls.length;
    const security = { ...env(await freePort()), DATABASE_URL: url, SECURITY_CHANNEL: 'C0SECURITY' };
    const busy = await run(['scan', '--json'], security).done;
    expect(busy.code, busy.stderr).toBe(0);
    expect(JSON.parse(busy.stdout.trim().split('\n').at(-1) ?? '{}')).toEqual({
      skipped: true,
      reason: 'already_running',
      holder: 'other-host:pid7#boot1',
    });
    const text = await run(['scan'], security).done;
    expect(text.stdout).toContain('another scan is running (other-host:pid7#boot1); nothing done.');
    expect(fake.calls.slice(before).filter((c) => c.method === 'chat.postMessage')).toEqual([]);

    // Its holder died: the claim runs out, and the next scan runs (and gives its own claim back at the end).
    await db.run('UPDATE run_claims SET until_at = ? WHERE name = ?', [Date.now() - 1, 'scan']);
    const ran = await run(['scan', '--json'], security).done;
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout.trim().split('\n').at(-1) ?? '{}').findings.length).toBeGreaterThan(0);
    const digests = fake.calls
      .slice(before)
      .filter((c) => c.method === 'chat.postMessage' && c.args.channel === 'C0SECURITY');
    expect(digests.length).toBeGreaterThan(0);
    expect(await db.all('SELECT * FROM run_claims')).toEqual([]);
    await db.close();
  }, 60_000);

  it('scan exits 3 and names the account in --json when one account cannot be read; the others are scanned', async () => {
    const proxy = await startAwsProxy(motoUrl);
    proxy.deny('AssumeRole', /arn:aws:iam::777777777777:role\//);
    const dir = mkdtempSync(join(tmpdir(), 'aws-mfa-bot-scan-'));
    const { code, stdout } = await run(['scan', '--dry-run', '--json'], {
      ...env(await freePort()),
      AWS_ENDPOINT_URL: proxy.url,
      AWS_ACCOUNTS: '777777777777',
      DATABASE_URL: `sqlite:${dir}/bot.db`,
    }).done;
    await proxy.stop();
    expect(code).toBe(3);
    const out = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}');
    expect(out.unreadableAccounts).toEqual([
      expect.objectContaining({ accountId: '777777777777', reason: expect.stringContaining('AccessDenied') }),
    ]);
    // The bot's own account was scanned all the same.
    expect(out.findings.some((f: { arn: string }) => f.arn.includes(':123456789012:'))).toBe(true);
  }, 60_000);

  it('doctor --json: one object per check; exit 0 with only warnings, 1 once something fails', async () => {
    const proxy = await startAwsProxy(motoUrl);
    // moto has no policy simulator: refused, doctor falls back to one read per service (a warning).
    proxy.deny('SimulatePrincipalPolicy', /./);
    const trail = await startCloudTrailStub();
    const dir = mkdtempSync(join(tmpdir(), 'aws-mfa-bot-doctor-'));
    const doctorEnv = {
      ...env(await freePort()),
      AWS_ENDPOINT_URL: proxy.url,
      AWS_ENDPOINT_URL_CLOUDTRAIL: trail.url,
      DATABASE_URL: `sqlite:${dir}/bot.db`,
      SECURITY_CHANNEL: 'C0SECURITY',
      SLACK_TEAM_ID: 'T0FAKE',
    };
    // The database is made by the bot's first run, as in production (a dry run makes none).
    expect((await run(['jobs'], doctorEnv).done).code).toBe(0);
    fake.members.push({ id: 'U0APPROVER1', name: 'approver', profile: { email: 'a@example.com' } });
    try {
      const healthy = await run(['doctor', '--json'], doctorEnv).done;
      const checks = healthy.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string; status: string });
      expect(checks.filter((c) => c.status !== 'pass')).toEqual([
        expect.objectContaining({ id: 'aws.actions', status: 'warn' }),
      ]);
      expect(healthy.code).toBe(0);

      fake.notIn.add('C0APPROVALS');
      const broken = await run(['doctor'], doctorEnv).done;
      expect(broken.code).toBe(1);
      expect(broken.stdout).toContain(
        '✗ APPROVAL_CHANNEL C0APPROVALS: the bot is not a member — fix: invite it: /invite @aws-mfa-bot in that channel',
      );
      expect(broken.stdout).not.toContain(fake.botToken);
    } finally {
      fake.notIn.clear();
      await proxy.stop();
      await trail.stop();
    }
  }, 60_000);

  it('says which token Slack rejected and exits', async () => {
    const { code, stderr } = await run(['start'], env(await freePort(), 'xoxb-revoked-token')).done;
    expect(code).toBe(1);
    expect(stderr).toContain('Slack rejected SLACK_BOT_TOKEN (invalid_auth)');
    expect(stderr).not.toContain('xoxb-revoked-token');
  }, 20_000);
});

describeWithMoto('aws-mfa-bot identities, through the real CLI', () => {
  const fake = new FakeSlackWebApi();
  const suffix = randomUUID().slice(0, 8);
  const iam = new IAMClient({
    endpoint: motoUrl,
    region: 'ap-northeast-2',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
  });
  const tagged = `cli-tagged-${suffix}`;
  const mailed = `cli-mailed-${suffix}`;
  const nobody = `cli-nobody-${suffix}`;
  const arn = (name: string) => `arn:aws:iam::123456789012:user/${name}`;
  let pgDatabase: string | undefined;

  beforeAll(async () => {
    await fake.start();
    fake.members.push(
      { id: 'U0CLITAG1', profile: { email: `tagged-${suffix}@example.com` } },
      { id: 'U0CLIMAIL1', profile: { email: `mailed-${suffix}@example.com` } },
    );
    await iam.send(
      new CreateUserCommand({ UserName: tagged, Tags: [{ Key: 'SlackUserId', Value: 'U0CLITAG1' }] }),
    );
    await iam.send(
      new CreateUserCommand({
        UserName: mailed,
        Tags: [{ Key: 'email', Value: `mailed-${suffix}@example.com` }],
      }),
    );
    await iam.send(new CreateAccessKeyCommand({ UserName: mailed }));
    await iam.send(new CreateUserCommand({ UserName: nobody }));
    if (pgUrl) {
      pgDatabase = `cli_${suffix.replace(/-/g, '')}`;
      const admin = new pg.Client({ connectionString: pgUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${pgDatabase}`);
      await admin.end();
    }
  });
  afterAll(async () => {
    await fake.stop();
    iam.destroy();
    if (pgDatabase) {
      const admin = new pg.Client({ connectionString: pgUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${pgDatabase} WITH (FORCE)`);
      await admin.end();
    }
  });

  const env = (databaseUrl: string) => ({
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    AWS_ENDPOINT_URL: motoUrl,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'ap-northeast-2',
    APPROVAL_CHANNEL: 'C0APPROVALS',
    APPROVERS: 'U0APPROVER1',
    SECURITY_CHANNEL: 'C0SECURITY',
    DATABASE_URL: databaseUrl,
  });
  type Entry = { iamUserArn: string; state: string; rule?: string; slackUserId?: string; trustedBy?: string };
  const list = async (databaseUrl: string) => {
    const r = await run(['identities', '--json'], env(databaseUrl)).done;
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as {
      noDatabase: boolean;
      identities: Entry[];
    };
    return { ...out, of: (name: string) => out.identities.find((e) => e.iamUserArn === arn(name)) };
  };

  const databases = [
    { name: 'sqlite', url: () => `sqlite:${mkdtempSync(join(tmpdir(), 'aws-mfa-bot-ids-'))}/bot.db` },
    ...(pgUrl
      ? [
          {
            name: 'postgres',
            url: () => {
              const u = new URL(pgUrl);
              u.pathname = `/${pgDatabase}`;
              return u.toString();
            },
          },
        ]
      : []),
  ];

  it.each(databases)(
    '$name: lists every mapping, trusts the waiting e-mail ones (audited, security told), refuses a tag mapping',
    async ({ name, url }) => {
      const databaseUrl = url();
      const before = await list(databaseUrl);
      if (name === 'sqlite') {
        // No database yet: listed as new, and nothing was created.
        expect(before.noDatabase).toBe(true);
        expect(existsSync(databaseUrl.slice('sqlite:'.length))).toBe(false);
      }
      expect(before.of(tagged)).toMatchObject({ state: 'trusted', rule: 'tag', slackUserId: 'U0CLITAG1' });
      expect(before.of(mailed)).toMatchObject({ state: 'new', rule: 'email-tag', slackUserId: 'U0CLIMAIL1' });
      expect(before.of(nobody)).toMatchObject({ state: 'unmapped' });

      const posted = fake.callsTo('chat.postMessage').length;
      const trusted = await run(['identities', 'trust', '--all'], env(databaseUrl)).done;
      expect(trusted.code, trusted.stderr).toBe(0);
      expect(trusted.stdout).toContain(`trusted   ${arn(mailed)}`);
      expect(trusted.stdout).not.toContain(arn(tagged));
      const told = fake
        .callsTo('chat.postMessage')
        .slice(posted)
        .filter((c) => c.args.channel === 'C0SECURITY');
      expect(told).toHaveLength(1);
      expect(String(told[0]?.args.text)).toContain('trusted');
      expect(String(told[0]?.args.text)).toContain(mailed);

      const after = await list(databaseUrl);
      expect(after.of(mailed)).toMatchObject({ state: 'trusted' });
      expect(after.of(mailed)?.trustedBy).toMatch(/@/);

      // Trusting it again does nothing new; a tag mapping needs no trust; an unknown ARN is refused.
      const refused = await run(
        ['identities', 'trust', arn(tagged), arn(mailed), 'arn:aws:iam::1:user/x'],
        env(databaseUrl),
      ).done;
      expect(refused.code).toBe(1);
      expect(refused.stdout).toContain(`not trusted (by tag)  ${arn(tagged)}`);
      expect(refused.stdout).toContain(`not trusted (already trusted)  ${arn(mailed)}`);
      expect(refused.stdout).toContain('not trusted (unknown)  arn:aws:iam::1:user/x');
      expect(
        fake
          .callsTo('chat.postMessage')
          .slice(posted)
          .filter((c) => c.args.channel === 'C0SECURITY'),
      ).toHaveLength(1);

      // The audit log has the operator's trust.
      const db = databaseUrl.startsWith('sqlite:')
        ? openSqlite(databaseUrl.slice('sqlite:'.length))
        : openPostgres(databaseUrl);
      const audit = await db.all<{ actor: string; to_state: string }>(
        'SELECT actor, to_state FROM audit_log WHERE request_id = ?',
        [`identity:${arn(mailed)}`],
      );
      await db.close();
      expect(audit).toEqual([{ actor: expect.stringMatching(/@/), to_state: 'trusted' }]);
    },
    60_000,
  );

  it('answers a malformed identities call with usage and exit code 2, before any configuration', async () => {
    for (const args of [
      ['identities', 'trust'],
      ['identities', 'trust', '--all', arn(tagged)],
      ['identities', '--frob'],
    ]) {
      const r = await run(args, {}).done;
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('identities trust (--all | ARN…)');
    }
  });
});
