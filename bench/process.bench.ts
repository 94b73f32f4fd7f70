/**
 * bench/process: `aws-mfa-bot scan` as an operator runs it — its own process (`node dist/cli.js scan`), against
 * moto_server behind a counting proxy and the fake Slack Web API — for A accounts × U users (each user an access key
 * and no MFA: `keys_without_mfa`, one DM each; a SlackUserId tag; each person in working hours, so every DM goes now).
 * The clock is the real one: assumed-role credentials expire by it (under faketime every call would assume again).
 * The proxy pages the users' authorization details as AWS does (at most 1,000 a page; moto answers all in one page);
 * BENCH_AWS_PAGES=off gives moto's single page.
 * Reports wall time, peak RSS (the kernel's), AWS calls per account (by the credentials that signed them), AssumeRole
 * calls, Slack calls and DMs sent. Run on demand after `npm run build`:
 * `npm run bench -- process`. Shapes come from BENCH_PROCESS (default `1x1000,1x5000,20x2500`), each scanned
 * BENCH_RUNS times (default 3: the peak moves with when V8 collects); a full run writes bench/process-results.md.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateAccessKeyCommand, CreateUserCommand } from '@aws-sdk/client-iam';
import { expect, it } from 'vitest';
import { openSqlite } from '../src/adapters/store/db.js';
import { migrate } from '../src/adapters/store/migrations.js';
import { pageUserDetails } from '../test/fakes/aws-pages.js';
import { startAwsProxy } from '../test/fakes/aws-proxy.js';
import { FakeSlackWebApi } from '../test/fakes/slack-web-api.js';
import { adminIn, OWN_ACCOUNT, pool, startMoto, writeTable } from './moto.js';

const SHAPES = (process.env.BENCH_PROCESS ?? '1x1000,1x5000,20x2500')
  .split(',')
  .map((s) => s.split('x').map(Number) as [number, number]);
const OWN = OWN_ACCOUNT;
/** BENCH_CLI: another build to measure (an earlier commit's dist/cli.js, for a before-and-after). */
const cli = resolve(process.env.BENCH_CLI ?? 'dist/cli.js');
/** BENCH_RUNS: scans per shape (default 3); the table gives the median peak and the range. */
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));

interface Run {
  readonly seconds: number;
  readonly peakMiB: number;
  /** AWS calls of this run, by the credentials that signed them. */
  readonly perAccount: readonly number[];
  readonly assumeRoles: number;
  readonly slackCalls: number;
  readonly dms: number;
  readonly queued: number;
}

/** An IANA zone where it is about noon when the faked clock runs: everyone is in working hours. */
function noonZone(): string {
  const hour = new Date().getUTCHours();
  const offset = ((12 - hour + 36) % 24) - 12; // −12 … +11 hours from UTC
  return offset === 0 ? 'UTC' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
}

/** DMs still in the outbox once the scan process has exited. */
async function queuedDms(dbFile: string): Promise<number> {
  const db = openSqlite(dbFile);
  try {
    const [row] = await db.all<{ n: number }>(
      "SELECT COUNT(*) AS n FROM outbox WHERE sent_at IS NULL AND channel LIKE 'U0P%'",
    );
    return Number(row?.n ?? 0);
  } finally {
    await db.close();
  }
}

/** BENCH_MEMORY_LIMIT (MiB; `off` for none): default 256 for one account, 384 for several (the issue's targets). */
function memoryLimitFor(accounts: number): number | undefined {
  const set = process.env.BENCH_MEMORY_LIMIT;
  if (set === 'off') return undefined;
  return set ? Number(set) : accounts > 1 ? 384 : 256;
}

/** A cgroup v1 memory cgroup with `mib` MiB, or undefined where none can be made (not root, no cgroupfs). */
function makeCgroup(mib: number): { procs: string; oomKilled(): boolean; remove(): void } | undefined {
  const root = '/sys/fs/cgroup/memory';
  if (!existsSync(root)) return undefined;
  const dir = join(root, `aws-mfa-bot-bench-${process.pid}-${Date.now()}`);
  try {
    mkdirSync(dir);
    writeFileSync(join(dir, 'memory.limit_in_bytes'), String(mib * 1048576));
    if (existsSync(join(dir, 'memory.memsw.limit_in_bytes')))
      writeFileSync(join(dir, 'memory.memsw.limit_in_bytes'), String(mib * 1048576));
  } catch {
    return undefined;
  }
  return {
    procs: join(dir, 'cgroup.procs'),
    oomKilled: () =>
      /oom_kill (\d+)/.exec(readFileSync(join(dir, 'memory.oom_control'), 'utf8'))?.[1] !== '0',
    remove: () => {
      try {
        rmdirSync(dir);
      } catch {
        // a process still in it: left for the kernel
      }
    },
  };
}

it('scan as its own process', async () => {
  expect(existsSync(cli), 'run `npm run build` first').toBe(true);
  const rows: string[] = [];
  for (const [accountCount, usersPerAccount] of SHAPES) {
    const moto = await startMoto();
    const proxy = await startAwsProxy(moto.url);
    if (process.env.BENCH_AWS_PAGES !== 'off')
      proxy.patch('GetAccountAuthorizationDetails', /./, pageUserDetails());
    const fake = new FakeSlackWebApi();
    await fake.start();
    try {
      const ids = [OWN, ...Array.from({ length: accountCount - 1 }, (_, i) => String(200000000000 + i))];
      const tz = noonZone();
      for (const [a, accountId] of ids.entries()) {
        const iam = await adminIn(moto.url, accountId);
        const users = Array.from({ length: usersPerAccount }, (_, i) => ({
          name: `u${a}-${i}`,
          slack: `U0P${a}X${i}`,
        }));
        await pool(users, 16, async (u) => {
          await iam.send(
            new CreateUserCommand({ UserName: u.name, Tags: [{ Key: 'SlackUserId', Value: u.slack }] }),
          );
          await iam.send(new CreateAccessKeyCommand({ UserName: u.name }));
        });
        iam.destroy();
        for (const u of users)
          fake.members.push({ id: u.slack, name: u.name, tz, profile: { email: `${u.name}@example.com` } });
      }
      // BENCH_RUNS scans of the same organisation, each with a fresh database (everyone is DMed again): the peak
      // moves with when V8 happens to collect, so the table gives the median and the range. Counts are the first run's
      // (later ones reuse the credential report, as a scan within four hours does).
      const runs: Run[] = [];
      for (let run = 0; run < RUNS; run++) runs.push(await scanOnce(run));
      const [first] = runs as [Run, ...Run[]];
      const peaks = runs.map((r) => r.peakMiB).sort((a, b) => a - b);
      const median = peaks[Math.floor(peaks.length / 2)] as number;
      const peak =
        peaks.length === 1
          ? `${median} MiB`
          : `${median} MiB (${peaks[0]}–${peaks[peaks.length - 1]}, ${peaks.length} runs)`;
      const perAccount = first.perAccount;
      rows.push(
        `| ${accountCount} × ${usersPerAccount.toLocaleString('en')} | ${first.seconds.toFixed(1)} s | ${peak} | ${
          Math.min(...perAccount) === Math.max(...perAccount)
            ? perAccount[0]
            : `${Math.min(...perAccount)}–${Math.max(...perAccount)}`
        } (${perAccount.length} credential sets) | ${first.assumeRoles} | ${first.slackCalls.toLocaleString('en')} | ${first.dms.toLocaleString('en')}${first.queued ? ` (${first.queued.toLocaleString('en')} left for the next run)` : ''} |`,
      );

      async function scanOnce(run: number): Promise<Run> {
        fake.calls.length = 0;
        const signedBefore = proxy.byAccessKey();
        const assumedBefore = proxy.count('AssumeRole');
        const dir = mkdtempSync(join(tmpdir(), 'aws-mfa-bot-bench-'));
        const dbFile = join(dir, 'bot.db');
        const db = openSqlite(dbFile);
        await migrate(db);
        await db.close();
        const rssFile = join(dir, 'rss');
        const env = {
          PATH: process.env.PATH ?? '',
          SLACK_BOT_TOKEN: fake.botToken,
          SLACK_SIGNING_SECRET: 'bench-signing-secret',
          SLACK_API_URL: fake.apiUrl,
          DATABASE_URL: `sqlite:${dbFile}`,
          APPROVAL_CHANNEL: 'C0APPROVALS',
          APPROVERS: 'U0APPROVER1',
          SECURITY_CHANNEL: 'C0SECURITY',
          AWS_ENDPOINT_URL: proxy.url,
          AWS_ACCESS_KEY_ID: 'bench-own-account',
          AWS_SECRET_ACCESS_KEY: 'x',
          AWS_REGION: 'us-east-1',
          LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
          ...(accountCount > 1 ? { AWS_ACCOUNTS: ids.slice(1).join(',') } : {}),
          NODE_OPTIONS:
            `--require ${resolve('bench/max-rss.cjs')} ${process.env.BENCH_NODE_OPTIONS ?? ''}`.trim(),
          BENCH_RSS_FILE: rssFile,
          BENCH_MEMORY_FILE: join(dir, 'memory'),
          ...(process.env.BENCH_TIMELINE_FILE
            ? { BENCH_TIMELINE_FILE: process.env.BENCH_TIMELINE_FILE }
            : {}),
          ...(process.env.BENCH_TRACE_GC ? { BENCH_TRACE_GC: '1' } : {}),
          ...(process.env.MALLOC_ARENA_MAX ? { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX } : {}),
        };
        const started = performance.now();
        // In a memory cgroup of BENCH_MEMORY_LIMIT MiB where the machine allows it (root, cgroup v1 or v2): as in a pod
        // with that limit, Node sizes its heap from it and the kernel kills the process if it does not fit.
        const limit = memoryLimitFor(accountCount);
        const cgroup = limit ? makeCgroup(limit) : undefined;
        const argv = [process.execPath, cli, 'scan', '--json'];
        const child = cgroup
          ? spawn('sh', ['-c', `echo $$ > ${cgroup.procs} && exec "$@"`, 'sh', ...argv], { env, cwd: dir })
          : spawn(argv[0] as string, argv.slice(1), { env, cwd: dir });
        let out = '';
        child.stdout.on('data', (d) => {
          out += d;
        });
        child.stderr.on('data', (d) => {
          out += d;
        });
        // BENCH_HEAP_SNAPSHOT=n: a heap snapshot of the scan process once n DMs went out (written in its cwd).
        const snapshotAt = Number(process.env.BENCH_HEAP_SNAPSHOT ?? 0);
        const snapper =
          snapshotAt > 0
            ? setInterval(() => {
                if (fake.callsTo('chat.postMessage').length < snapshotAt) return;
                clearInterval(snapper);
                // Under `sh -c '… exec'`, node keeps the shell's pid.
                process.kill(Number(child.pid), 'SIGUSR2');
              }, 20)
            : undefined;
        const code = await new Promise<number | null>((r) => child.once('exit', r));
        if (snapper) clearInterval(snapper);
        const killedForMemory = cgroup?.oomKilled() ?? false;
        cgroup?.remove();
        expect(killedForMemory, `killed for memory in a ${limit} MiB cgroup`).toBe(false);
        const seconds = (performance.now() - started) / 1000;
        expect(code, out.slice(-2000)).toBe(0);
        if (process.env.BENCH_OUTPUT) require('node:fs').writeFileSync(process.env.BENCH_OUTPUT, out);
        const peakMiB = Math.round(Number(readFileSync(rssFile, 'utf8')) / 1024);
        process.stdout.write(
          `${accountCount}x${usersPerAccount} run ${run + 1}: peak RSS ${peakMiB} MiB, peaks ${readFileSync(join(dir, 'memory'), 'utf8')}\n`,
        );
        const perAccount = [...proxy.byAccessKey().entries()]
          .filter(([k]) => k !== 'unsigned')
          .map(([k, n]) => n - (signedBefore.get(k) ?? 0))
          .filter((n) => n > 0);
        const dms = fake
          .callsTo('chat.postMessage')
          .filter((c) => c.ok && String(c.args.channel).startsWith('U0P'));
        const people = accountCount * usersPerAccount;
        // One delivery run sends at most 200 batches of 50; the rest wait in the outbox for the next (the 5-minute job).
        const queued = await queuedDms(dbFile);
        expect(dms.length + queued).toBe(people);
        return {
          seconds,
          peakMiB,
          perAccount,
          assumeRoles: proxy.count('AssumeRole') - assumedBefore,
          slackCalls: fake.calls.length,
          dms: dms.length,
          queued,
        };
      }
    } finally {
      await fake.stop();
      await proxy.stop();
      await moto.stop();
    }
  }
  writeTable(
    '| accounts × users | wall time | peak RSS | AWS calls per account | AssumeRole | Slack calls | DMs sent |',
    rows,
    'bench/process-results.md',
    process.env.BENCH_PROCESS === undefined,
  );
});
