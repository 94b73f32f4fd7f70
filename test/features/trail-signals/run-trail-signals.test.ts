import { Writable } from 'node:stream';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSignalsTrailAdapter } from '../../../src/adapters/aws/trail.js';
import { openSqlite } from '../../../src/adapters/store/db.js';
import { migrate } from '../../../src/adapters/store/migrations.js';
import { createOutboxStore } from '../../../src/adapters/store/outbox-store.js';
import { createScanStore } from '../../../src/adapters/store/scan-store.js';
import {
  runTrailSignals,
  type TrailSignalDeps,
} from '../../../src/features/trail-signals/run-trail-signals.js';
import type { DirectoryIndex, SlackPerson } from '../../../src/kernel/domain/identity.js';
import type { IamUser, MfaDevice } from '../../../src/kernel/domain/types.js';
import type { OutboxStore } from '../../../src/kernel/outbox/ports.js';
import { createLogger } from '../../../src/logger.js';

const mock = mockClient(CloudTrailClient);
const BOT = 'arn:aws:sts::123456789012:assumed-role/aws-mfa-bot/i-0abc';
const ALICE = 'arn:aws:iam::123456789012:user/alice';

/** Events as LookupEvents returns them: a summary plus the raw record as a JSON string. */
function cloudTrailEvent(id: string, name: string, time: string, record: Record<string, unknown>) {
  return {
    EventId: id,
    EventName: name,
    EventTime: new Date(time),
    EventSource: name === 'ConsoleLogin' ? 'signin.amazonaws.com' : 'iam.amazonaws.com',
    Username: (record.userIdentity as { userName?: string } | undefined)?.userName ?? 'root',
    CloudTrailEvent: JSON.stringify({
      eventVersion: '1.09',
      eventTime: time,
      eventName: name,
      awsRegion: 'us-east-1',
      sourceIPAddress: '203.0.113.50',
      userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5)',
      recipientAccountId: '123456789012',
      eventType: name === 'ConsoleLogin' ? 'AwsConsoleSignIn' : 'AwsApiCall',
      ...record,
    }),
  };
}

const consoleLogin = (id: string, mfa: 'Yes' | 'No', time = '2026-06-01T10:05:00Z') =>
  cloudTrailEvent(id, 'ConsoleLogin', time, {
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAFAKE',
      arn: ALICE,
      accountId: '123456789012',
      userName: 'alice',
    },
    responseElements: { ConsoleLogin: 'Success' },
    additionalEventData: {
      LoginTo: 'https://console.aws.amazon.com/console/home',
      MobileVersion: 'No',
      MFAUsed: mfa,
    },
  });
const rootCall = (id: string, time: string) =>
  cloudTrailEvent(id, 'ListBuckets', time, {
    userIdentity: { type: 'Root', principalId: '123456789012', arn: 'arn:aws:iam::123456789012:root' },
  });
const createKey = (id: string, actorArn: string, forUser: string) =>
  cloudTrailEvent(id, 'CreateAccessKey', '2026-06-01T10:07:00Z', {
    userIdentity: {
      type: actorArn.includes(':assumed-role/') ? 'AssumedRole' : 'IAMUser',
      arn: actorArn,
      userName: 'bob',
    },
    requestParameters: { userName: forUser },
    responseElements: { accessKey: { accessKeyId: 'FAKEKEYNEW0001', status: 'Active', userName: forUser } },
  });

describe('CloudTrail signals job', () => {
  let now: number;
  let outbox: OutboxStore;
  let deps: TrailSignalDeps;
  let mfa: MfaDevice[];
  let logs: string[];

  beforeEach(async () => {
    now = Date.parse('2026-06-01T10:15:00Z');
    const clock = { now: () => new Date(now) };
    const db = openSqlite(':memory:');
    await migrate(db);
    outbox = createOutboxStore(db, { wake: () => {} });
    mfa = [];
    logs = [];
    const alice: SlackPerson = {
      id: 'U0ALICE',
      email: 'alice@example.com',
      locale: 'en',
      tz: 'UTC',
      deleted: false,
      isBot: false,
    };
    const index: DirectoryIndex = { byEmail: (e) => (e === alice.email ? alice : undefined) };
    const users: IamUser[] = [
      { userName: 'alice', arn: ALICE, accountId: '123456789012', tags: { email: 'alice@example.com' } },
      { userName: 'carol', arn: 'arn:aws:iam::123456789012:user/carol', accountId: '123456789012', tags: {} },
    ];
    deps = {
      events: createSignalsTrailAdapter({
        clients: [
          { region: 'us-east-1', client: new CloudTrailClient({ region: 'us-east-1' }) },
          { region: 'ap-northeast-2', client: new CloudTrailClient({ region: 'ap-northeast-2' }) },
        ],
        limiter: { take: async () => true },
      }),
      iam: {
        listUsers: async () => users,
        listMfaDevices: async () => mfa,
        listAccessKeys: async () => [],
        listPolicies: async () => [],
        listRoles: async () => [],
      },
      directory: { index: async () => index, person: async () => alice, peek: () => undefined },
      scans: createScanStore(db),
      outbox,
      clock,
      logger: createLogger(
        'debug',
        new Writable({
          write: (c, _e, done) => {
            logs.push(String(c));
            done();
          },
        }),
      ),
      botArn: async () => BOT,
      config: { emailTagKey: 'email', securityChannel: 'C0SECURITY', repeatDays: 7 },
    };
  });
  afterEach(() => mock.reset());

  const queued = async () =>
    (await outbox.claimDue(Number.MAX_SAFE_INTEGER, 100, 0, 'test#boot')).map((m) => [
      m.channel,
      m.notice.kind,
    ]);
  const lookups = (name: string) => ({
    LookupAttributes: [{ AttributeKey: 'EventName' as const, AttributeValue: name }],
  });

  it('nudges a user who signed in to the console without MFA, once, across overlapping runs', async () => {
    mock.on(LookupEventsCommand).resolves({ Events: [] });
    mock
      .on(LookupEventsCommand, lookups('ConsoleLogin'))
      .resolves({ Events: [consoleLogin('e1', 'No'), consoleLogin('e2', 'Yes')] });
    expect(await runTrailSignals(deps)).toMatchObject({ signals: 1, notified: 1 });
    expect(await queued()).toEqual([['U0ALICE', 'nudges']]);

    now += 15 * 60_000;
    expect(await runTrailSignals(deps)).toMatchObject({ notified: 0 });
    expect(await queued()).toHaveLength(1);
    // The second run (10:30) looked back 15 minutes behind its cursor (10:15): CloudTrail delivers late.
    const starts = mock
      .commandCalls(LookupEventsCommand)
      .map((c) => c.args[0].input.StartTime?.toISOString());
    expect(starts.at(-1)).toBe('2026-06-01T10:00:00.000Z');
  });

  it('does not nudge about a console sign-in when the user has set up MFA since', async () => {
    mfa = [
      { serialNumber: 'arn:aws:iam::123456789012:mfa/alice', type: 'virtual', enableDate: new Date(now) },
    ];
    mock.on(LookupEventsCommand).resolves({ Events: [] });
    mock.on(LookupEventsCommand, lookups('ConsoleLogin')).resolves({ Events: [consoleLogin('e1', 'No')] });
    expect(await runTrailSignals(deps)).toMatchObject({ signals: 1, notified: 0 });
    expect(await queued()).toEqual([]);
  });

  it('alerts the security channel about root activity once an hour', async () => {
    mock.on(LookupEventsCommand).resolves({ Events: [] });
    mock
      .on(LookupEventsCommand, {
        LookupAttributes: [{ AttributeKey: 'Username' as const, AttributeValue: 'root' }],
      })
      .resolves({
        Events: [
          rootCall('r1', '2026-06-01T10:01:00Z'),
          rootCall('r2', '2026-06-01T10:09:00Z'),
          rootCall('r3', '2026-06-01T11:02:00Z'),
        ],
      });
    await runTrailSignals(deps);
    expect(await queued()).toEqual([
      ['C0SECURITY', 'root_activity'],
      ['C0SECURITY', 'root_activity'],
    ]);
  });

  it("tells the owner and the security channel about a key created outside the bot, not about the bot's own", async () => {
    mock.on(LookupEventsCommand).resolves({ Events: [] });
    mock.on(LookupEventsCommand, lookups('CreateAccessKey')).resolves({
      Events: [
        createKey('k1', 'arn:aws:iam::123456789012:user/bob', 'alice'),
        createKey('k2', 'arn:aws:sts::123456789012:assumed-role/aws-mfa-bot/i-0zzz', 'alice'),
      ],
    });
    expect(await runTrailSignals(deps)).toMatchObject({ signals: 1, notified: 1 });
    const messages = await outbox.claimDue(Number.MAX_SAFE_INTEGER, 100, 0, 'test#boot');
    expect(messages.map((m) => m.channel).sort()).toEqual(['C0SECURITY', 'U0ALICE']);
    expect(messages[0]?.notice).toMatchObject({
      kind: 'key_created_outside',
      targetUserArn: ALICE,
      actorArn: 'arn:aws:iam::123456789012:user/bob',
      sourceIp: '203.0.113.50',
    });
  });

  it('logs AccessDenied once and goes on without failing', async () => {
    mock.on(LookupEventsCommand).rejects(
      Object.assign(new Error('User is not authorized'), {
        name: 'AccessDeniedException',
        $metadata: { httpStatusCode: 400 },
      }),
    );
    expect(await runTrailSignals(deps)).toMatchObject({ denied: true, notified: 0 });
    expect(logs.filter((l) => l.includes('not allowed to read CloudTrail'))).toHaveLength(1);
    expect(logs.join('')).not.toContain('User is not authorized');
  });
});
