import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AwsProxy, startAwsProxy } from '../fakes/aws-proxy.js';
import { FakeSlackWebApi } from '../fakes/slack-web-api.js';
import { describeWithMoto, motoUrl } from '../helpers/aws.js';
import { compiledCli } from '../helpers/cli.js';
import { pgUrl } from '../helpers/databases.js';
import { SIGNING_SECRET } from '../helpers/slack-requests.js';
import { freePort } from '../setup/moto-server.js';

// The operator's side, through the compiled CLI in its own process: what it does before, and instead of, any work.
const cli = compiledCli('.test-dist-operator');
beforeAll(() => cli.build(), 120_000);

const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

describeWithMoto('a strict command line: help and mistakes do no work', () => {
  const fake = new FakeSlackWebApi();
  let proxy: AwsProxy;
  let dir: string;
  beforeAll(async () => {
    await fake.start();
    proxy = await startAwsProxy(motoUrl);
    dir = mkdtempSync(join(tmpdir(), 'aws-mfa-bot-strict-'));
  });
  afterAll(async () => {
    await proxy.stop();
    await fake.stop();
  });
  const env = () => ({
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    AWS_ENDPOINT_URL: proxy.url,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'ap-northeast-2',
    APPROVAL_CHANNEL: 'C0APPROVALS',
    APPROVERS: 'U0APPROVER1',
    DATABASE_URL: `sqlite:${dir}/bot.db`,
  });
  /** Runs the CLI and checks it touched neither AWS, Slack nor the database. */
  async function untouched(args: string[]) {
    const [aws, slack] = [proxy.total(), fake.calls.length];
    const r = await cli.run(args, env()).done;
    expect(proxy.total() - aws, `${args.join(' ')} called AWS`).toBe(0);
    expect(fake.calls.length - slack, `${args.join(' ')} called Slack`).toBe(0);
    expect(existsSync(`${dir}/bot.db`), `${args.join(' ')} made a database`).toBe(false);
    return r;
  }

  it.each([
    [['scan', '--help'], 'Usage: aws-mfa-bot scan [--dry-run] [--json]'],
    [['jobs', '--help'], 'Usage: aws-mfa-bot jobs [--dry-run] [--json]'],
    [['start', '-h'], 'Usage: aws-mfa-bot start'],
    [['help', 'scan'], 'Usage: aws-mfa-bot scan'],
    [['identities', 'trust', '--help'], 'aws-mfa-bot identities trust (--all | ARN…)'],
    [['--help'], 'Usage: aws-mfa-bot <command> [options]'],
    [[], 'Usage: aws-mfa-bot <command> [options]'],
  ])('%j prints its usage and exits 0', async (args, usage) => {
    const r = await untouched(args);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(usage);
  });

  it.each([
    [['scan', '--dryrun']],
    [['jobs', '--dry-run', '--frob']],
    [['start', 'now']],
    [['frobnicate']],
    [['help', 'frobnicate']],
    [['doctor', '--jsn']],
  ])('%j: usage on stderr, exit 2, nothing done', async (args) => {
    const r = await untouched(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage: aws-mfa-bot/);
    expect(r.stdout).toBe('');
  });

  it('-v and --version print the version', async () => {
    for (const flag of ['-v', '--version', 'version'])
      expect((await untouched([flag])).stdout.trim()).toBe(version);
  });

  it('under --json, errors are JSON too: a mistyped flag, and a configuration that is missing', async () => {
    const typo = await untouched(['scan', '--json', '--dryrun']);
    expect(typo.code).toBe(2);
    expect(JSON.parse(typo.stdout)).toMatchObject({
      error: { code: 'usage', message: expect.stringContaining('--dryrun') },
    });
    const missing = await cli.run(['scan', '--json'], {}).done;
    expect(missing.code).toBe(1);
    const out = JSON.parse(missing.stdout) as { error: { code: string; problems: string[] } };
    expect(out.error.code).toBe('config_invalid');
    expect(out.error.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^SLACK_BOT_TOKEN is required/),
        expect.stringMatching(/^SLACK_SIGNING_SECRET is required in HTTP mode/),
        expect.stringMatching(/^AWS_REGION is required/),
      ]),
    );
  });

  it('every configuration problem is reported in one message (variables, modes, the region)', async () => {
    const r = await cli.run(['start'], {
      SLACK_BOT_TOKEN: 'xoxb-fake',
      PORT: '0',
      IDENTITY_STORE_ID: 'd-1234567890',
    }).done;
    expect(r.code).toBe(1);
    for (const name of [
      'PORT must be a TCP port number (1-65535)',
      'APPROVAL_CHANNEL is required',
      'APPROVERS is required',
      'SLACK_SIGNING_SECRET is required in HTTP mode',
      'IDENTITY_CENTER_START_URL is required with',
      'AWS_REGION is required',
    ])
      expect(r.stderr).toContain(name);
    expect(r.stderr.match(/Configuration is invalid/g)).toHaveLength(1);
  });

  it('dry runs on a new install create no database, say there is none, and exit 0', async () => {
    const scan = await cli.run(['scan', '--dry-run'], env()).done;
    expect(scan.code, scan.stderr).toBe(0);
    expect(scan.stdout).toContain('no database yet');
    const jobs = await cli.run(['jobs', '--dry-run', '--json'], env()).done;
    expect(jobs.code, jobs.stderr).toBe(0);
    // stdout is the JSON alone (log lines, such as CloudTrail being unreadable, go to stderr): a parser can take it.
    expect(jobs.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(jobs.stdout.trim().split('\n').at(-1) ?? '{}')).toMatchObject({
      dryRun: true,
      noDatabase: true,
    });
    expect(existsSync(`${dir}/bot.db`)).toBe(false);
  });

  it('jobs --dry-run with CloudTrail unreachable shows one warning step and still the rest', async () => {
    const r = await cli.run(['jobs', '--dry-run', '--json'], {
      ...env(),
      AWS_ENDPOINT_URL_CLOUDTRAIL: `http://127.0.0.1:${await freePort()}`,
    }).done;
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as {
      steps: { job: string; warning?: boolean; action: string }[];
    };
    expect(plan.steps.filter((s) => s.job === 'cloudtrail')).toEqual([
      expect.objectContaining({ warning: true, action: 'warning: CloudTrail could not be read' }),
    ]);
  }, 60_000);

  (pgUrl ? it : it.skip)(
    'a dry run against an empty PostgreSQL database creates no table in it',
    async () => {
      const name = `dry_${Date.now()}`;
      const admin = new pg.Client({ connectionString: pgUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      try {
        const url = new URL(pgUrl);
        url.pathname = `/${name}`;
        const r = await cli.run(['scan', '--dry-run'], { ...env(), DATABASE_URL: url.toString() }).done;
        expect(r.code, r.stderr).toBe(0);
        const c = new pg.Client({ connectionString: url.toString() });
        await c.connect();
        const tables = await c.query(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'",
        );
        await c.end();
        expect(tables.rows).toEqual([]);
      } finally {
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      }
    },
    60_000,
  );
});

describeWithMoto('start-up that says what failed', () => {
  const fake = new FakeSlackWebApi();
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  const env = (port: number, extra: Record<string, string> = {}) => ({
    SLACK_BOT_TOKEN: fake.botToken,
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
    ...extra,
  });
  const get = (port: number, path: string) =>
    fetch(`http://127.0.0.1:${port}${path}`).then(
      async (r) => ({ status: r.status, body: await r.text() }),
      () => undefined,
    );
  async function until<T>(probe: () => Promise<T | undefined>, ms = 10_000): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await probe();
      if (v !== undefined) return v;
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('Slack unreachable: /healthz answers, /readyz says not ready, and the log names the URL once', async () => {
    const port = await freePort();
    const nowhere = `http://127.0.0.1:${await freePort()}/api/`;
    const { child, done } = cli.run(['start'], env(port, { SLACK_API_URL: nowhere }));
    let out = '';
    child.stdout?.on('data', (d) => {
      out += d;
    });
    const line = `cannot reach ${nowhere} — check SLACK_API_URL or the network`;
    try {
      await until(async () => (out.includes(line) ? true : undefined));
      expect((await until(() => get(port, '/healthz'))).status).toBe(200);
      const ready = await until(async () => {
        const r = await get(port, '/readyz');
        return r && r.status === 503 ? r : undefined;
      });
      expect(JSON.parse(ready.body)).toMatchObject({ ok: false, checks: { slack: false } });
      await until(async () => (child.exitCode === null ? true : undefined), 1000);
    } finally {
      child.kill('SIGTERM');
    }
    const { stdout, stderr } = await done;
    const said = stdout
      .split('\n')
      .filter((l) => l.includes(`cannot reach ${nowhere} — check SLACK_API_URL or the network`));
    expect(said).toHaveLength(1);
    expect(stdout + stderr).not.toContain('unhandled promise rejection');
  }, 30_000);

  it('a rejected token: one auth.test, a clear message, exit 1, no unhandled rejection', async () => {
    const before = fake.callsTo('auth.test').length;
    const r = await cli.run(['start'], env(await freePort(), { SLACK_BOT_TOKEN: 'xoxb-revoked-token' })).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Slack rejected SLACK_BOT_TOKEN (invalid_auth)');
    expect(r.stdout + r.stderr).not.toContain('unhandled promise rejection');
    expect(r.stdout + r.stderr).not.toContain('xoxb-revoked-token');
    expect(fake.callsTo('auth.test').length - before).toBe(1);
  }, 20_000);

  it('a healthy start makes one auth.test, and is ready', async () => {
    const before = fake.callsTo('auth.test').length;
    const port = await freePort();
    const { child, done } = cli.run(['start'], env(port));
    try {
      await until(async () => ((await get(port, '/readyz'))?.status === 200 ? true : undefined));
    } finally {
      child.kill('SIGTERM');
    }
    expect((await done).code).toBe(0);
    expect(fake.callsTo('auth.test').length - before).toBe(1);
  }, 20_000);
});

describe('failures the operator must fix, in one sentence', () => {
  it('no AWS credentials at all: the SDK error becomes what to do', async () => {
    const r = await cli.run(['scan', '--dry-run'], {
      SLACK_BOT_TOKEN: 'xoxb-fake-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      APPROVAL_CHANNEL: 'C0APPROVALS',
      APPROVERS: 'U0APPROVER1',
      AWS_REGION: 'ap-northeast-2',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: '/nonexistent/config',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
      DATABASE_URL: 'sqlite::memory:',
      HOME: mkdtempSync(join(tmpdir(), 'aws-mfa-bot-home-')),
    }).done;
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no AWS credentials were found: give the bot a role');
    expect(r.stderr).not.toContain('CredentialsProviderError');
  }, 30_000);

  it('a SQLite driver built for another Node.js: help still works, and doctor and the commands say how to fix it', async () => {
    // The compiled CLI beside a better-sqlite3 that cannot load, as one built for another Node.js cannot.
    const broken = resolve('.test-broken');
    rmSync(broken, { recursive: true, force: true });
    cpSync(cli.dir, join(broken, 'dist'), { recursive: true });
    cpSync('package.json', join(broken, 'package.json'));
    mkdirSync(join(broken, 'node_modules', 'better-sqlite3'), { recursive: true });
    writeFileSync(
      join(broken, 'node_modules', 'better-sqlite3', 'package.json'),
      '{"name":"better-sqlite3","main":"index.js"}',
    );
    writeFileSync(
      join(broken, 'node_modules', 'better-sqlite3', 'index.js'),
      "throw Object.assign(new Error('The module was compiled against a different Node.js version using NODE_MODULE_VERSION 115.'), { code: 'ERR_DLOPEN_FAILED' });\n",
    );
    const brokenCli = join(broken, 'dist', 'cli.js');
    const env = {
      SLACK_BOT_TOKEN: 'xoxb-fake-test-token',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      APPROVAL_CHANNEL: 'C0APPROVALS',
      APPROVERS: 'U0APPROVER1',
      AWS_REGION: 'ap-northeast-2',
      DATABASE_URL: `sqlite:${mkdtempSync(join(tmpdir(), 'aws-mfa-bot-driver-'))}/bot.db`,
      SLACK_API_URL: `http://127.0.0.1:${await freePort()}/api/`,
    };
    try {
      expect((await cli.run(['help'], {}, { cli: brokenCli }).done).code).toBe(0);
      const sentence = `the SQLite driver (better-sqlite3) could not be loaded by Node.js ${process.version}`;
      const jobs = await cli.run(['jobs', '--dry-run'], env, { cli: brokenCli }).done;
      expect(jobs.code).toBe(1);
      expect(jobs.stderr).toContain(sentence);
      expect(jobs.stderr).toContain('npm rebuild better-sqlite3');
      const doctor = await cli.run(['doctor', '--json'], env, { cli: brokenCli }).done;
      const database = doctor.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: string; status: string; detail: string })
        .find((c) => c.id === 'database');
      expect(database).toMatchObject({ status: 'fail', detail: expect.stringContaining(sentence) });
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  }, 60_000);
});
