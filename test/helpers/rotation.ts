import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { createKeyAdminAdapter } from '../../src/adapters/aws/access-keys.js';
import { createIamAdapter } from '../../src/adapters/aws/iam.js';
import { createSecretsAdapter } from '../../src/adapters/aws/secrets.js';
import type { Db } from '../../src/adapters/store/db.js';
import { createRotationStore } from '../../src/adapters/store/rotation-store.js';
import type { RotationRequest } from '../../src/features/rotation/domain.js';
import type { RotationDeps } from '../../src/features/rotation/ports.js';
import type { IamUser } from '../../src/kernel/domain/types.js';
import type { FindIamUser } from '../../src/kernel/people/find-iam-user.js';
import { createPersonReads } from '../../src/kernel/people/person-reads.js';
import type { KeyUseEvent, Notice, RotationStore } from '../../src/kernel/ports.js';
import { createLogger } from '../../src/logger.js';

export const BOT_ARN = 'arn:aws:sts::123456789012:assumed-role/aws-mfa-bot/test';

export interface Harness {
  deps: RotationDeps;
  store: RotationStore;
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
  const store = createRotationStore(db, clock);
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
    return user
      ? {
          kind: 'found',
          user,
          person: undefined,
          others: [],
          trust: { kind: 'trusted' },
          users: [{ user, trust: { kind: 'trusted' } }],
          claims: [{ user, trust: { kind: 'trusted' } }],
        }
      : { kind: 'unmapped', person: undefined };
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
    messenger: {
      async send(channel, notice) {
        if (messengerFailures > 0) {
          messengerFailures--;
          throw Object.assign(new Error('ratelimited'), { data: { error: 'ratelimited' } });
        }
        sent.push({ channel, notice });
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

  return {
    deps: build(),
    store,
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
