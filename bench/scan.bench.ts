/**
 * bench/scan: seeds N IAM users in moto_server and N Slack users in the fake Web API, runs one real scan and reports
 * wall time, IAM calls, Slack calls, peak memory, and the findings and DMs it queued. Typical findings: each user has
 * one access key, 100 days old on the scan's clock and never used (rotation due, unused), and three in four have no
 * MFA device — 2.75 findings a person. Run on demand: `npm run bench`. Sizes come from BENCH_SIZES (default
 * 100,1000,5000); a full run also writes bench/results.md.
 */
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { expect, it } from 'vitest';
import { openSqlite } from '../src/adapters/store/db.js';
import { migrate } from '../src/adapters/store/migrations.js';
import { runScan } from '../src/features/scan/run-scan.js';
import { FakeSlackWebApi } from '../test/fakes/slack-web-api.js';
import { enableVirtualMfa } from '../test/helpers/aws.js';
import { realScanDeps } from '../test/helpers/scan.js';
import { peakRss, pool, startMoto, writeTable } from './moto.js';

const SIZES = (process.env.BENCH_SIZES ?? '100,1000,5000').split(',').map(Number);

it('scan benchmark', async () => {
  const rows: string[] = [];
  for (const n of SIZES) {
    // A fresh moto per size, so each run sees exactly N users.
    const moto = await startMoto();
    const fake = new FakeSlackWebApi();
    await fake.start();
    try {
      const iam = new IAMClient({
        endpoint: moto.url,
        region: 'us-east-1',
        credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
      });
      const names = Array.from({ length: n }, (_, i) => `bench-${i}@example.com`);
      await pool(
        names.map((name, i) => ({ name, mfa: i % 4 === 0 })),
        16,
        async ({ name, mfa }) => {
          await iam.send(new CreateUserCommand({ UserName: name }));
          await iam.send(new CreateAccessKeyCommand({ UserName: name }));
          if (mfa) await enableVirtualMfa(iam, name);
        },
      );
      fake.members = names.map((email, i) => ({ id: `U0BENCH${i}`, tz: 'UTC', profile: { email } }));
      fake.calls.length = 0;

      let iamCalls = 0;
      iam.middlewareStack.add(
        (next) => (args) => {
          iamCalls++;
          return next(args);
        },
        { step: 'initialize', name: 'count' },
      );
      const db = openSqlite(':memory:');
      await migrate(db);
      // 100 days on, at 10:00 UTC (working hours): every key is past KEY_MAX_AGE_DAYS and KEY_UNUSED_DAYS.
      const later = new Date(Date.now() + 100 * 86_400_000);
      later.setUTCHours(10, 0, 0, 0);
      const clock = { now: () => later };
      const rss = peakRss();
      const started = performance.now();
      const result = await runScan(realScanDeps(iam, fake, db, clock), { dryRun: false });
      const ms = performance.now() - started;
      const peak = rss.stop();
      expect(result.items.length).toBeGreaterThanOrEqual(n);
      const row = `| ${n.toLocaleString('en')} | ${result.nudgesQueued.toLocaleString('en')} | ${result.messagesQueued.toLocaleString('en')} | ${(ms / 1000).toFixed(2)} s | ${iamCalls} | ${fake.calls.length} | ${peak} MiB |`;
      rows.push(row);
      process.stdout.write(`${row}\n`);
      await db.close();
    } finally {
      await fake.stop();
      await moto.stop();
    }
  }
  // Only a full run replaces the table the README quotes.
  writeTable(
    '| IAM users | findings to nudge (DMs before: one each) | DMs queued (one per person) | scan wall time | IAM calls | Slack calls | peak RSS |',
    rows,
    'bench/results.md',
    !process.env.BENCH_SIZES,
  );
}, 1_800_000);
