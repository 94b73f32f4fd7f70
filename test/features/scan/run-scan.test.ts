import { Writable } from 'node:stream';
import { beforeEach, describe, expect, it } from 'vitest';
import { openSqlite } from '../../../src/adapters/store/db.js';
import { migrate } from '../../../src/adapters/store/migrations.js';
import { createScanStore } from '../../../src/adapters/store/scan-store.js';
import type { PostureSnapshot } from '../../../src/features/posture/domain.js';
import type { ScanStore } from '../../../src/features/scan/ports.js';
import { runScan, type ScanDeps } from '../../../src/features/scan/run-scan.js';
import type { ReportKey, ReportRow } from '../../../src/kernel/domain/findings.js';
import type { DirectoryIndex, SlackPerson } from '../../../src/kernel/domain/identity.js';
import type { IamUser } from '../../../src/kernel/domain/types.js';
import type { Notice } from '../../../src/kernel/outbox/ports.js';
import { createLogger } from '../../../src/logger.js';
import { outboxHarness } from '../../helpers/outbox.js';
import { SCAN_TEST_CONFIG } from '../../helpers/scan.js';

const DAY = 86_400_000;
const START = Date.parse('2026-06-01T02:00:00Z'); // 11:00 in Seoul, 02:00 UTC

const arn = (u: string) => `arn:aws:iam::123456789012:user/${u}`;
const key = (age: number, now: number, o: Partial<ReportKey> = {}): ReportKey => ({
  slot: 1,
  active: true,
  lastRotated: new Date(now - age * DAY),
  lastUsed: new Date(now - DAY),
  lastUsedService: 's3',
  ...o,
});
const row = (user: string, o: Partial<ReportRow> = {}): ReportRow => ({
  user,
  arn: arn(user),
  isRoot: false,
  createdAt: undefined,
  passwordEnabled: false,
  passwordLastUsed: undefined,
  mfaActive: true,
  keys: [],
  ...o,
});
const iamUser = (u: string, tags: Record<string, string> = {}): IamUser => ({
  userName: u,
  arn: arn(u),
  accountId: '123456789012',
  tags,
});

/** A logger at `info` whose lines the test reads. */
function recordingLogger() {
  const lines: string[] = [];
  const logger = createLogger(
    'info',
    new Writable({
      write(c, _e, done) {
        lines.push(String(c));
        done();
      },
    }),
  );
  return { lines, logger };
}

describe('runScan', () => {
  let now: number;
  let rows: ReportRow[];
  let store: ReturnType<typeof outboxHarness>['outbox'];
  let delivery: ReturnType<typeof outboxHarness>;
  let scans: ScanStore;
  let deps: ScanDeps;
  let sent: { channel: string; notice: Notice }[];
  const people: SlackPerson[] = [
    {
      id: 'U0ALICE',
      email: 'alice@example.com',
      locale: 'en-US',
      tz: 'Asia/Seoul',
      deleted: false,
      isBot: false,
    },
    {
      id: 'U0NIGHT',
      email: 'night@example.com',
      locale: 'ko-KR',
      tz: 'America/Los_Angeles',
      deleted: false,
      isBot: false,
    },
  ];

  beforeEach(async () => {
    now = START;
    const clock = { now: () => new Date(now) };
    const db = openSqlite(':memory:');
    await migrate(db);
    delivery = outboxHarness(db, clock);
    store = delivery.outbox;
    scans = createScanStore(db);
    sent = delivery.sent;
    rows = [
      row('alice@example.com', { keys: [key(95, now)] }),
      row('night@example.com', { mfaActive: false, passwordEnabled: true }),
      row('orphan', { keys: [key(120, now)] }),
      row('robot', { keys: [key(200, now)] }),
      row('<root_account>', { isRoot: true, arn: 'arn:aws:iam::123456789012:root', mfaActive: false }),
    ];
    const index: DirectoryIndex = { byEmail: (e) => people.find((p) => p.email === e) };
    deps = {
      reports: { read: async () => ({ rows, rootMfaEnabled: false, rootAccessKeysPresent: false }) },
      iam: {
        listUsers: async () => [
          iamUser('alice@example.com'),
          iamUser('night@example.com'),
          iamUser('orphan'),
          iamUser('robot', { 'aws-mfa-bot:exempt': 'CI deploy key, owned by platform' }),
        ],
        listMfaDevices: async () => [],
        listAccessKeys: async () => [],
        listPolicies: async () => [],
        listRoles: async () => [],
      },
      directory: {
        index: async () => index,
        person: async (id) => people.find((p) => p.id === id),
        peek: () => undefined,
      },
      scans,
      outbox: store,
      clock,
      logger: createLogger('silent', new Writable({ write: (_c, _e, done) => done() })),
      newId: () => crypto.randomUUID(),
      config: SCAN_TEST_CONFIG,
    };
  });

  const flush = () => delivery.flush();
  const nudgesTo = (channel: string) =>
    sent.filter((s) => s.channel === channel && s.notice.kind === 'nudges');

  it('nudges mapped owners, lists the unmapped and the exempt, and sends root findings only to the digest', async () => {
    const result = await runScan(deps, { dryRun: false });
    expect(result.items.map((i) => [i.finding.user, i.finding.ruleId, i.outcome])).toEqual(
      expect.arrayContaining([
        ['alice@example.com', 'key_rotation_due', 'send'],
        ['night@example.com', 'console_without_mfa', 'send'],
        ['orphan', 'key_rotation_due', 'unmapped'],
        ['robot', 'key_rotation_due', 'exempt'],
        ['<root_account>', 'root_without_mfa', 'security_channel'],
      ]),
    );
    expect(result.digest).toMatchObject({
      unmapped: ['orphan'],
      exempt: [{ user: 'robot', reason: 'CI deploy key, owned by platform' }],
      root: [expect.objectContaining({ ruleId: 'root_without_mfa' })],
      previous: undefined,
    });
    expect(result.digest.counts).toMatchObject({
      key_rotation_due: 2,
      console_without_mfa: 1,
      root_without_mfa: 1,
    });
    await flush();
    expect(nudgesTo('U0ALICE')).toHaveLength(1);
    expect(sent.filter((s) => s.channel === 'C0SECURITY').map((s) => s.notice.kind)).toEqual(['digest']);
    // Root findings never go to a person.
    expect(
      sent.filter(
        (s) =>
          s.notice.kind === 'nudges' &&
          (s.notice.findings as { audience: string }[]).some((f) => f.audience === 'security'),
      ),
    ).toEqual([]);
  });

  it('sends nothing new on a second scan right after, but a new digest with the change', async () => {
    await runScan(deps, { dryRun: false });
    await flush();
    const before = sent.length;
    now += 60_000;
    rows = rows.filter((r) => r.user !== 'orphan');
    const second = await runScan(deps, { dryRun: false });
    expect(second.nudgesQueued).toBe(0);
    expect(second.items.find((i) => i.finding.user === 'alice@example.com')?.outcome).toBe('recently_sent');
    expect(second.digest.previous).toMatchObject({ key_rotation_due: 2 });
    expect(second.digest.counts.key_rotation_due).toBe(1);
    await flush();
    expect(sent.slice(before).map((s) => s.notice.kind)).toEqual(['digest']);
  });

  it('nudges again after NUDGE_REPEAT_DAYS and escalates after three unanswered nudges', async () => {
    for (let i = 0; i < 3; i++) {
      await runScan(deps, { dryRun: false });
      now += 7 * DAY;
    }
    await flush();
    expect(nudgesTo('U0ALICE')).toHaveLength(3);
    const fourth = await runScan(deps, { dryRun: false });
    expect(fourth.digest.escalations.map((e) => [e.slackUserId, e.finding.ruleId, e.nudges]).sort()).toEqual([
      ['U0ALICE', 'key_rotation_due', 3],
      ['U0NIGHT', 'console_without_mfa', 3],
    ]);
  });

  it('nudges again at once when the finding got worse (heads-up → rotation due)', async () => {
    rows = [row('alice@example.com', { keys: [key(85, now)] })];
    const first = await runScan(deps, { dryRun: false });
    expect(first.items[0]?.finding.ruleId).toBe('key_rotation_soon');
    now += 5 * DAY;
    rows = [row('alice@example.com', { keys: [key(90, now)] })];
    const second = await runScan(deps, { dryRun: false });
    expect(second.items[0]).toMatchObject({ outcome: 'send', finding: { ruleId: 'key_rotation_due' } });
  });

  it('stays quiet while snoozed, even when worse, and counts a snooze as an answer', async () => {
    rows = [row('alice@example.com', { keys: [key(85, now)] })];
    const first = await runScan(deps, { dryRun: false });
    const subject = first.items[0]?.finding.subject ?? '';
    expect(await scans.snooze(subject, now + 7 * DAY, now)).toBe(true);
    now += 5 * DAY;
    rows = [row('alice@example.com', { keys: [key(90, now)] })];
    expect((await runScan(deps, { dryRun: false })).items[0]?.outcome).toBe('snoozed');
    now += 3 * DAY;
    expect((await runScan(deps, { dryRun: false })).items[0]?.outcome).toBe('send');
    expect((await scans.nudge(subject))?.answeredAt).toBeDefined();
  });

  it("holds a nudge until the owner's working hours", async () => {
    await runScan(deps, { dryRun: false }); // 02:00 UTC: 11:00 in Seoul, 19:00 the day before in Los Angeles
    await flush();
    expect(nudgesTo('U0ALICE')).toHaveLength(1);
    expect(nudgesTo('U0NIGHT')).toHaveLength(0);
    now = Date.parse('2026-06-01T15:59:00Z'); // 08:59 in Los Angeles
    await flush();
    expect(nudgesTo('U0NIGHT')).toHaveLength(0);
    now = Date.parse('2026-06-01T16:00:00Z'); // 09:00
    await flush();
    expect(nudgesTo('U0NIGHT')).toHaveLength(1);
  });

  it('keeps a nudge Slack refused and sends it on a later run', async () => {
    rows = [row('alice@example.com', { keys: [key(95, now)] })];
    await runScan(deps, { dryRun: false });
    delivery.failSends(10);
    await flush();
    expect(nudgesTo('U0ALICE')).toHaveLength(0);
    delivery.failSends(0);
    now += 10 * 60_000;
    await flush();
    expect(nudgesTo('U0ALICE')).toHaveLength(1);
  });

  it('sends every due DM in one run, not one batch per run', async () => {
    const finding = (await runScan(deps, { dryRun: true })).items[0]?.finding;
    if (!finding) throw new Error('no finding');
    for (let i = 0; i < 120; i++)
      await store.enqueue({ channel: `U0MANY${i}`, notice: { kind: 'nudge', finding } }, now);
    await flush();
    expect(sent.filter((s) => s.channel.startsWith('U0MANY'))).toHaveLength(120);
  });

  it('with --dry-run finds the same, and sends and records nothing', async () => {
    const dry = await runScan(deps, { dryRun: true });
    await flush();
    expect(sent).toEqual([]);
    expect(await scans.lastScanCounts()).toBeUndefined();
    const real = await runScan(deps, { dryRun: false });
    expect(real.items.map((i) => [i.finding.subject, i.outcome])).toEqual(
      dry.items.map((i) => [i.finding.subject, i.outcome]),
    );
  });

  it('aws login with an active key: one low finding to the owner, deduplicated; none without a key', async () => {
    const asked: { since: Date; accountId: string | undefined }[] = [];
    rows.push(row('keyless', { passwordEnabled: true }));
    const withLogin: ScanDeps = {
      ...deps,
      loginTrail: {
        usersSince: async (since, accountId) => {
          asked.push({ since, accountId });
          return new Set(['alice@example.com', 'keyless']);
        },
      },
    };
    const first = await runScan(withLogin, { dryRun: false });
    const login = first.items.filter((i) => i.finding.ruleId === 'login_with_active_key');
    expect(login.map((i) => [i.finding.user, i.finding.severity, i.outcome])).toEqual([
      ['alice@example.com', 'low', 'send'],
    ]);
    // One look-up for the account, over step 6's 30 days.
    expect(asked).toEqual([{ since: new Date(now - 30 * DAY), accountId: '123456789012' }]);
    await flush();
    expect(nudgesTo('U0ALICE')).toHaveLength(1);
    expect(JSON.stringify(nudgesTo('U0ALICE')[0]?.notice)).toContain('login_with_active_key');

    // The next scan repeats nothing (the usual dedupe).
    const second = await runScan(withLogin, { dryRun: false });
    expect(second.items.find((i) => i.finding.ruleId === 'login_with_active_key')?.outcome).toBe(
      'recently_sent',
    );
  });

  it('a CloudTrail that cannot be read leaves aws login out (logged), and the rest of the scan stands', async () => {
    const { lines, logger } = recordingLogger();
    const failing: ScanDeps = {
      ...deps,
      logger,
      loginTrail: {
        usersSince: async () => {
          throw Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
        },
      },
    };
    const result = await runScan(failing, { dryRun: true });
    expect(result.items.some((i) => i.finding.ruleId === 'login_with_active_key')).toBe(false);
    expect(result.items.some((i) => i.finding.ruleId === 'key_rotation_due')).toBe(true);
    expect(lines.filter((l) => l.includes('aws login use could not be read'))).toHaveLength(1);
  });

  it("with several accounts and centralised root access, a member account's root credentials are the finding", async () => {
    const MEMBER = '210987654321';
    const rootOf = (accountId: string) =>
      row('<root_account>', {
        isRoot: true,
        arn: `arn:aws:iam::${accountId}:root`,
        mfaActive: false,
        keys: [key(400, now)],
      });
    const several = (features: string[] | Error): ScanDeps => ({
      ...deps,
      reports: {
        read: async (_now: Date, accountId?: string) => ({
          rows: [rootOf(accountId ?? '123456789012')],
          rootMfaEnabled: false,
          rootAccessKeysPresent: true,
        }),
      },
      accounts: { list: async () => ['123456789012', MEMBER], label: async (id) => id, concurrency: 2 },
      rootAccess: {
        features: async () => {
          if (features instanceof Error) throw features;
          return features;
        },
        ownAccount: async () => '123456789012',
      },
    });
    const rootRules = (r: Awaited<ReturnType<typeof runScan>>) =>
      r.items
        .filter((i) => i.finding.arn.endsWith(':root'))
        .map((i) => `${i.finding.arn.split(':')[4]}:${i.finding.ruleId}`)
        .sort();

    const on = await runScan(several(['RootCredentialsManagement', 'RootSessions']), { dryRun: true });
    expect(rootRules(on)).toEqual([
      '123456789012:root_access_keys',
      '123456789012:root_without_mfa',
      `${MEMBER}:root_credentials_present`,
    ]);
    expect(on.digest.counts.root_credentials_present).toBe(1);
    expect(on.items.find((i) => i.finding.ruleId === 'root_credentials_present')?.outcome).toBe(
      'security_channel',
    );

    // Without the feature, or when it cannot be told, member accounts are judged as before.
    for (const features of [[], new Error('AccessDenied')])
      expect(rootRules(await runScan(several(features), { dryRun: true }))).toEqual([
        '123456789012:root_access_keys',
        '123456789012:root_without_mfa',
        `${MEMBER}:root_access_keys`,
        `${MEMBER}:root_without_mfa`,
      ]);
  });
  it('lets the event loop turn while it decides many findings (Slack acks and timers are not starved)', async () => {
    // 600 keys no one owns: every await of the scan is answered at once (in-memory fakes, synchronous SQLite).
    rows = Array.from({ length: 600 }, (_, i) => row(`orphan-${i}`, { keys: [key(120, now)] }));
    let turns = 0;
    let running = true;
    const tick = () => {
      turns++;
      if (running) setImmediate(tick);
    };
    setImmediate(tick);
    const result = await runScan(deps, { dryRun: true });
    running = false;
    expect(result.digest.unmapped).toHaveLength(600);
    expect(turns).toBeGreaterThanOrEqual(Math.floor(result.items.length / 100));
  });

  describe('several accounts, each evaluated as its report is read', () => {
    const MEMBER = '210987654321';
    const inMember = (u: string): IamUser => ({
      ...iamUser(u),
      arn: `arn:aws:iam::${MEMBER}:user/${u}`,
      accountId: MEMBER,
    });
    const memberRow = (u: string, o: Partial<ReportRow> = {}) =>
      row(u, { arn: `arn:aws:iam::${MEMBER}:user/${u}`, ...o });
    const several = (
      over: Partial<ScanDeps> & { memberRows?: ReportRow[] } = {},
    ): { deps: ScanDeps; events: string[] } => {
      const events: string[] = [];
      const own = ['123456789012', MEMBER];
      return {
        events,
        deps: {
          ...deps,
          reports: {
            read: async (_now: Date, accountId?: string) => {
              events.push(`report:${accountId}`);
              return {
                rows:
                  accountId === MEMBER
                    ? (over.memberRows ?? [memberRow('bob', { keys: [key(120, now)] })])
                    : rows,
                rootMfaEnabled: true,
                rootAccessKeysPresent: false,
              };
            },
          },
          iam: {
            ...deps.iam,
            listUsers: async (accountId?: string) => {
              events.push(`users:${accountId}`);
              if (accountId === MEMBER) return [inMember('bob'), inMember('carol')];
              return deps.iam.listUsers();
            },
          },
          accounts: { list: async () => own, label: async (id) => id, concurrency: 1 },
          ...over,
        },
      };
    };

    it("looks each account's owners up right after its report, before the next account is read", async () => {
      const { deps: two, events } = several();
      const result = await runScan(two, { dryRun: true });
      expect(events).toEqual([
        `report:123456789012`,
        `users:123456789012`,
        `report:${MEMBER}`,
        `users:${MEMBER}`,
      ]);
      // bob is in the member account and maps to nobody; alice's finding in the bot's own account is hers.
      expect(result.digest.unmapped).toEqual(['bob', 'orphan']);
      expect(result.items.find((i) => i.finding.user === 'alice@example.com')?.slackUserId).toBe('U0ALICE');
      expect(result.digest.accounts?.map((a) => [a.accountId, a.total])).toEqual([
        ['123456789012', 4],
        [MEMBER, 1],
      ]);
    });

    it('one account whose IAM users cannot be listed: logged once, its owners unknown, the rest stands', async () => {
      const { lines, logger } = recordingLogger();
      const { deps: two } = several({ logger });
      const broken: ScanDeps = {
        ...two,
        iam: {
          ...two.iam,
          listUsers: async (accountId?: string) => {
            if (accountId === MEMBER) throw Object.assign(new Error('denied'), { name: 'AccessDenied' });
            return two.iam.listUsers(accountId);
          },
        },
      };
      const result = await runScan(broken, { dryRun: false });
      expect(result.items.find((i) => i.finding.user === 'bob')?.outcome).toBe('unmapped');
      expect(result.items.find((i) => i.finding.user === 'alice@example.com')?.outcome).toBe('send');
      expect(lines.filter((l) => l.includes('could not read the IAM users of an account'))).toHaveLength(1);
      expect(lines.find((l) => l.includes('could not read the IAM users'))).toContain(MEMBER);
    });

    it('an account with nothing to tell still counts its people in the weekly picture once another looked owners up', async () => {
      const snapshots: PostureSnapshot[] = [];
      const people2 = [
        ...people,
        { ...(people[0] as SlackPerson), id: 'U0CAROL', email: 'carol@example.com' },
      ];
      const { deps: two, events } = several({
        // carol has MFA and no key: nothing about her is a finding, so her account needs no owners of its own.
        memberRows: [memberRow('carol')],
        posture: { record: async (_id, snapshot) => void snapshots.push(snapshot), since: async () => [] },
        directory: {
          ...deps.directory,
          index: async () => ({ byEmail: (e) => people2.find((p) => p.email === e) }),
        },
      });
      const carol = { ...inMember('carol'), tags: { SlackUserId: 'U0CAROL' } };
      const withCarol: ScanDeps = {
        ...two,
        iam: {
          ...two.iam,
          listUsers: async (accountId?: string) => {
            if (accountId !== MEMBER) return two.iam.listUsers(accountId);
            events.push(`users:${accountId}`);
            return [carol];
          },
        },
      };
      await runScan(withCarol, { dryRun: false });
      const member = snapshots.find((s) => s.accountId === MEMBER)?.counts;
      expect(member).toMatchObject({
        peopleMapped: 1,
        iamUsers: 1,
        iamUsersWithMfa: 1,
        activeKeys: 0,
        findings: {},
      });
      const org = snapshots.find((s) => s.accountId === '')?.counts;
      expect(org).toMatchObject({ iamUsers: 5, activeKeys: 3 });
      expect(org?.peopleMapped).toBe(
        (snapshots.find((s) => s.accountId === '123456789012')?.counts.peopleMapped ?? 0) + 1,
      );
      // The member account's users were listed after the rest, only to count its people.
      expect(events.filter((e) => e === `users:${MEMBER}`)).toHaveLength(1);
      // A dry run records no picture, so it lists no one only to count them.
      events.length = 0;
      await runScan(withCarol, { dryRun: true });
      expect(events.filter((e) => e === `users:${MEMBER}`)).toEqual([]);
    });
  });
});
