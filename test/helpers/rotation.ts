import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createKeyAdminAdapter } from '../../src/adapters/aws/access-keys.js';
import { createIamAdapter } from '../../src/adapters/aws/iam.js';
import { createSecretsAdapter } from '../../src/adapters/aws/secrets.js';
import type { Db } from '../../src/adapters/store/db.js';
import { createStores, type Stores } from '../../src/adapters/store/stores.js';
import type { RotationRequest } from '../../src/features/rotation/domain.js';
import { type JobReport, runRotationJobs } from '../../src/features/rotation/jobs.js';
import type { RotationDeps, RotationStore } from '../../src/features/rotation/ports.js';
import type { KeyUseEvent } from '../../src/kernel/aws-ports.js';
import type { IamUser } from '../../src/kernel/domain/types.js';
import { createDeliverer, type DeliveryReport } from '../../src/kernel/outbox/deliver.js';
import type { Notice } from '../../src/kernel/outbox/ports.js';
import type { FindIamUser } from '../../src/kernel/people/find-iam-user.js';
import { createPersonReads } from '../../src/kernel/people/person-reads.js';
import { createLogger } from '../../src/logger.js';
import { alwaysFinds } from '../fakes/ports.js';

export const BOT_ARN = 'arn:aws:sts::123456789012:assumed-role/aws-mfa-bot/test';

export interface Harness {
  deps: RotationDeps;
  store: RotationStore;
  /** Every store on the same database (the outbox, retirements …). */
  stores: Stores;
  /** The rotation jobs, then the one deliverer (what a `jobs` run does for rotations): `sent` gets what went out. */
  runJobs(deps?: RotationDeps): Promise<JobReport & DeliveryReport>;
  clock: { now(): Date; advance(ms: number): void };
  published: { request: RotationRequest; approvedBy: readonly string[] }[];
  sent: { channel: string; notice: Notice }[];
  logs: string[];
  /** Next board publishes fail (Slack down). */
  failBoard(times: number): void;
  /** Next DMs fail (429 after retries). */
  failMessenger(times: number): void;
  keyUse: KeyUseEvent[];
  iamClient: IAMClient;
  secretsClient: SecretsManagerClient;
  /** A fresh deps object over the same store and AWS: what a restarted process has. */
  restart(overrides?: Partial<RotationDeps>): RotationDeps;
}

/** An IAM user in moto with one active key, mapped to a Slack user. */
export async function engineerWithKey(
  iam: IAMClient,
): Promise<{ user: IamUser; slackUserId: string; keyId: string }> {
  const suffix = randomUUID().slice(0, 8);
  const userName = `rot-${suffix}`;
  const created = await iam.send(new CreateUserCommand({ UserName: userName }));
  const key = await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
  return {
    user: { userName, arn: created.User?.Arn ?? '', accountId: '123456789012', tags: {} },
    slackUserId: `U0${suffix.toUpperCase()}`,
    keyId: key.AccessKey?.AccessKeyId ?? '',
  };
}

export function rotationHarness(
  db: Db,
  options: { users: Map<string, IamUser>; approvers: string[] },
): Harness {
  let t = Date.parse('2026-06-01T09:00:00Z');
  const clock = {
    now: () => new Date(t),
    advance: (ms: number) => {
      t += ms;
    },
  };
  // Nothing is sent on commit here: what was queued goes out when a test runs the jobs (runJobs), as a `jobs` run.
  const stores = createStores(db, { now: () => clock.now().getTime(), wake: () => {} });
  const store = stores.rotations;
  const iamClient = new IAMClient({});
  const secretsClient = new SecretsManagerClient({});
  const published: Harness['published'] = [];
  const sent: Harness['sent'] = [];
  const logs: string[] = [];
  let boardFailures = 0;
  let messengerFailures = 0;
  const keyUse: KeyUseEvent[] = [];
  const logger = createLogger(
    'debug',
    new Writable({
      write(chunk, _e, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  );

  const findIamUser: FindIamUser = async (slackUserId) => {
    const user = options.users.get(slackUserId);
    return user ? alwaysFinds(user)(slackUserId) : { kind: 'unmapped', person: undefined };
  };
  const build = (overrides: Partial<RotationDeps> = {}): RotationDeps => ({
    store,
    iam: createIamAdapter(iamClient),
    keys: createKeyAdminAdapter(iamClient),
    secrets: createSecretsAdapter(secretsClient, async () => BOT_ARN),
    keyTrail: { recentUseOfKey: async () => keyUse },
    board: {
      async publish(request, approvedBy) {
        if (boardFailures > 0) {
          boardFailures--;
          throw Object.assign(new Error('An API error occurred: ratelimited'), {
            code: 'slack_webapi_rate_limited',
          });
        }
        published.push({ request, approvedBy });
        return request.approvalTs ?? `${published.length}.000100`;
      },
    },
    approvers: { isApprover: async (id) => options.approvers.includes(id) },
    findIamUser,
    reads: createPersonReads({ findIamUser, iam: createIamAdapter(iamClient), clock }),
    clock,
    logger,
    newId: () => randomUUID(),
    // Every restart() is a new boot of the same instance, as a restarted process is.
    holder: `test-instance#${randomUUID().slice(0, 8)}`,
    config: {
      approvalChannel: 'C0APPROVALS',
      secretPrefix: 'aws-mfa-bot/',
      region: 'ap-northeast-2',
      requiredApprovals: 1,
      privilegedApprovals: 2,
      requestTtlHours: 24,
      graceDays: 7,
      deleteDays: 7,
    },
    sleep: async () => {},
    ...overrides,
  });

  const holder = `test-instance#${randomUUID().slice(0, 8)}`;
  const deliverer = createDeliverer({
    outbox: stores.outbox,
    async send({ channel, notice }) {
      if (messengerFailures > 0) {
        messengerFailures--;
        throw Object.assign(new Error('ratelimited'), { data: { error: 'ratelimited' } });
      }
      sent.push({ channel, notice });
    },
    clock,
    logger,
    holder,
  });
  const deps = build();
  return {
    deps,
    store,
    stores,
    async runJobs(given = deps) {
      const before = deliverer.sent();
      const report = await runRotationJobs(given);
      const after = await deliverer.flush();
      return {
        ...report,
        dmsSent: after.dmsSent - before.dmsSent,
        dmsFailed: after.dmsFailed - before.dmsFailed,
      };
    },
    clock,
    published,
    sent,
    logs,
    keyUse,
    iamClient,
    secretsClient,
    failBoard: (n) => {
      boardFailures = n;
    },
    failMessenger: (n) => {
      messengerFailures = n;
    },
    restart: (overrides) => build(overrides),
  };
}
