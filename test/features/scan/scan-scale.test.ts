import { randomUUID } from 'node:crypto';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openSqlite } from '../../../src/adapters/store/db.js';
import { migrate } from '../../../src/adapters/store/migrations.js';
import { runScan } from '../../../src/features/scan/run-scan.js';
import { FakeSlackWebApi } from '../../fakes/slack-web-api.js';
import { describeWithMoto, useMotoEnvironment } from '../../helpers/aws.js';
import { realScanDeps } from '../../helpers/scan.js';

const USERS = 1000;

/** Runs `tasks` with at most `limit` in flight: seeding moto without opening a thousand sockets at once. */
async function pool<T>(items: T[], limit: number, task: (item: T) => Promise<unknown>) {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift()) await task(item);
    }),
  );
}

describeWithMoto(`a scan of ${USERS}+ IAM users`, () => {
  const fake = new FakeSlackWebApi();
  let iam: IAMClient;
  const prefix = `scale-${randomUUID().slice(0, 6)}`;

  beforeAll(async () => {
    useMotoEnvironment();
    await fake.start();
    iam = new IAMClient({});
    const names = Array.from({ length: USERS }, (_, i) => `${prefix}-${i}@example.com`);
    await pool(names, 16, async (name) => {
      await iam.send(new CreateUserCommand({ UserName: name }));
      await iam.send(new CreateAccessKeyCommand({ UserName: name }));
    });
    fake.members = names.map((email, i) => ({ id: `U0SCALE${i}`, tz: 'UTC', profile: { email } }));
  }, 300_000);
  afterAll(() => fake.stop());

  it('detects with a handful of IAM calls and loads the Slack directory in a few pages', async () => {
    const iamCalls: string[] = [];
    iam.middlewareStack.add(
      (next, context) => (args) => {
        iamCalls.push(String(context.commandName));
        return next(args);
      },
      { step: 'initialize', name: 'countCalls' },
    );
    const db = openSqlite(':memory:');
    await migrate(db);
    const clock = { now: () => new Date('2026-06-01T10:00:00Z') };
    const result = await runScan(realScanDeps(iam, fake, db, clock), { dryRun: false });

    const mine = result.items.filter((i) => i.finding.user.startsWith(prefix));
    // Every seeded user has an active key and no MFA: one finding each, mapped by the e-mail-shaped user name.
    expect(mine).toHaveLength(USERS);
    expect(mine.every((i) => i.finding.ruleId === 'keys_without_mfa' && i.outcome === 'send')).toBe(true);
    expect(result.nudgesQueued).toBeGreaterThanOrEqual(USERS);

    // Detection: credential report and account summary; owners: one bulk listing. No per-user IAM call.
    expect(iamCalls.length).toBeLessThanOrEqual(10);
    expect(new Set(iamCalls)).toEqual(
      new Set([
        'GetCredentialReportCommand',
        'GenerateCredentialReportCommand',
        'GetAccountSummaryCommand',
        'GetAccountAuthorizationDetailsCommand',
      ]),
    );
    // The directory: a few users.list pages, never a look-up per person. (Other test files share this moto; their
    // users are tagged for Slack IDs this fake does not know, and those few are looked up with users.info.)
    const listPages = fake.calls.filter((c) => c.method === 'users.list');
    expect(listPages.length).toBeGreaterThan(0);
    expect(listPages.length).toBeLessThanOrEqual(30);
    expect(fake.calls.filter((c) => c.method === 'users.lookupByEmail')).toEqual([]);
    const seeded = new Set(fake.members.map((m) => m.id));
    expect(fake.calls.filter((c) => c.method === 'users.info' && seeded.has(String(c.args.user)))).toEqual(
      [],
    );
    // And one auth.test per directory load: an org-wide install's directory is listed per workspace.
    expect(fake.calls.filter((c) => !['users.list', 'users.info', 'auth.test'].includes(c.method))).toEqual(
      [],
    );
    expect(fake.callsTo('auth.test')).toHaveLength(1);
    await db.close();
  }, 120_000);
});
