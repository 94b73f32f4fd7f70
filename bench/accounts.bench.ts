/**
 * bench/accounts: one scan over A accounts × U users in moto_server (AWS_ACCOUNTS: the bot's own account and A − 1
 * reached with AssumeRole), through the bot's real account routing. Reports wall time, AWS calls per account and by
 * action, AssumeRole calls, Slack calls and peak RSS. Run on demand: `npm run bench -- accounts`. Shapes come from
 * BENCH_ACCOUNTS (default `20x250,5x1000`); a full run writes bench/accounts-results.md.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { CreateAccessKeyCommand, CreateUserCommand } from '@aws-sdk/client-iam';
import { WebClient } from '@slack/web-api';
import { expect, it } from 'vitest';
import { createAccountPorts } from '../src/adapters/aws/account-ports.js';
import { createAccounts } from '../src/adapters/aws/accounts.js';
import { createSlackDirectory } from '../src/adapters/slack/directory.js';
import { openSqlite } from '../src/adapters/store/db.js';
import { migrate } from '../src/adapters/store/migrations.js';
import { createOutboxStore } from '../src/adapters/store/outbox-store.js';
import { createScanStore } from '../src/adapters/store/scan-store.js';
import { runScan } from '../src/features/scan/run-scan.js';
import { createLogger } from '../src/logger.js';
import { startAwsProxy } from '../test/fakes/aws-proxy.js';
import { FakeSlackWebApi } from '../test/fakes/slack-web-api.js';
import { SCAN_TEST_CONFIG } from '../test/helpers/scan.js';
import { adminIn, OWN_ACCOUNT, peakRss, pool, startMoto, writeTable } from './moto.js';

const SHAPES = (process.env.BENCH_ACCOUNTS ?? '20x250,5x1000')
  .split(',')
  .map((s) => s.split('x').map(Number) as [number, number]);
const OWN = OWN_ACCOUNT;

it('accounts benchmark', async () => {
  const rows: string[] = [];
  for (const [accountCount, usersPerAccount] of SHAPES) {
    const moto = await startMoto();
    const proxy = await startAwsProxy(moto.url);
    const fake = new FakeSlackWebApi();
    await fake.start();
    const env = { ...process.env };
    try {
      const ids = [OWN, ...Array.from({ length: accountCount - 1 }, (_, i) => String(200000000000 + i))];
      const members: { id: string; tz: string; profile: { email: string } }[] = [];
      for (const [a, accountId] of ids.entries()) {
        const iam = await adminIn(moto.url, accountId);
        const users = Array.from({ length: usersPerAccount }, (_, i) => ({
          name: `u${a}-${i}`,
          slack: `U0B${a}X${i}`,
        }));
        await pool(users, 16, async (u) => {
          await iam.send(
            new CreateUserCommand({ UserName: u.name, Tags: [{ Key: 'SlackUserId', Value: u.slack }] }),
          );
          await iam.send(new CreateAccessKeyCommand({ UserName: u.name }));
        });
        iam.destroy();
        for (const u of users)
          members.push({ id: u.slack, tz: 'UTC', profile: { email: `${u.name}@example.com` } });
      }
      fake.members = members;
      fake.calls.length = 0;

      // The bot's routing, as main builds it, through a counting proxy in front of moto.
      Object.assign(process.env, {
        AWS_ENDPOINT_URL: proxy.url,
        AWS_ACCESS_KEY_ID: 'x',
        AWS_SECRET_ACCESS_KEY: 'x',
        AWS_REGION: 'us-east-1',
      });
      const byAccount = new Map<string, Map<string, number>>();
      const logger = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));
      const clock = { now: () => new Date() };
      const accounts = createAccounts({
        settings: {
          mode: 'list',
          ids: ids.slice(1),
          exclude: [],
          roleName: 'aws-mfa-bot',
          externalId: undefined,
        },
        region: 'us-east-1',
        clock,
        logger,
        onClient: (client, service, accountId) => {
          (client.middlewareStack as { add(m: unknown, o: unknown): void }).add(
            (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) =>
              (args: unknown) => {
                const account = accountId ?? OWN;
                const counts = byAccount.get(account) ?? new Map<string, number>();
                const action = `${service}:${String(context.commandName).replace(/Command$/, '')}`;
                counts.set(action, (counts.get(action) ?? 0) + 1);
                byAccount.set(account, counts);
                return next(args);
              },
            { step: 'initialize', name: 'benchCount' },
          );
        },
      });
      const aws = createAccountPorts({
        accounts,
        concurrency: 5,
        logger,
        sleep: async () => {},
        kmsKeyId: undefined,
      });
      const db = openSqlite(':memory:');
      await migrate(db);
      const rss = peakRss();
      const started = performance.now();
      const result = await runScan(
        {
          reports: aws.reports,
          iam: aws.iam,
          directory: createSlackDirectory(new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl }), {
            clock,
          }),
          scans: createScanStore(db),
          outbox: createOutboxStore(db, { wake: () => {} }),
          clock,
          logger,
          newId: randomUUID,
          accounts: { list: () => accounts.list(), label: (id) => accounts.label(id), concurrency: 5 },
          config: SCAN_TEST_CONFIG,
        },
        { dryRun: false },
      );
      const ms = performance.now() - started;
      const peak = rss.stop();
      expect(result.unreadable).toEqual([]);
      expect(result.items.length).toBeGreaterThanOrEqual(accountCount * usersPerAccount);
      const perAccount = [...byAccount.values()].map((m) => [...m.values()].reduce((a, b) => a + b, 0));
      const actions = new Map<string, number>();
      for (const m of byAccount.values()) for (const [k, v] of m) actions.set(k, (actions.get(k) ?? 0) + v);
      const byAction = [...actions]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k.replace(/^iam:/, '')} ${v}`)
        .join(', ');
      const row = `| ${accountCount} × ${usersPerAccount.toLocaleString('en')} | ${(ms / 1000).toFixed(2)} s | ${Math.min(...perAccount)}–${Math.max(...perAccount)} | ${byAction} | ${proxy.count('AssumeRole')} | ${fake.calls.length} | ${peak} MiB | ${result.messagesQueued.toLocaleString('en')} |`;
      rows.push(row);
      process.stdout.write(`${row}\n`);
      await db.close();
      accounts.destroy();
    } finally {
      process.env = env;
      await fake.stop();
      await proxy.stop();
      await moto.stop();
    }
  }
  // Only a full run replaces the table the README quotes.
  writeTable(
    '| accounts × users | scan wall time | AWS calls per account | calls by action (all accounts) | AssumeRole | Slack calls | peak RSS | DMs queued |',
    rows,
    'bench/accounts-results.md',
    !process.env.BENCH_ACCOUNTS,
  );
}, 1_800_000);
