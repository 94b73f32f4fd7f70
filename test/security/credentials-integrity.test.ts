import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CreateAccessKeyCommand, ListAccessKeysCommand } from '@aws-sdk/client-iam';
import {
  CreateSecretCommand,
  DeleteResourcePolicyCommand,
  DescribeSecretCommand,
  GetResourcePolicyCommand,
  GetSecretValueCommand,
  ListSecretVersionIdsCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, expect, it } from 'vitest';
import { createSecretsAdapter, ownerOnlyPolicy } from '../../src/adapters/aws/secrets.js';
import type { Db } from '../../src/adapters/store/db.js';
import { FactError } from '../../src/errors.js';
import { approveRotation } from '../../src/features/rotation/decide-rotation.js';
import { LEASE_MS } from '../../src/features/rotation/execute-rotation.js';
import { requestRotation } from '../../src/features/rotation/request-rotation.js';
import type { KeyAdminPort } from '../../src/kernel/aws-ports.js';
import type { IamUser } from '../../src/kernel/domain/types.js';
import { startLossyProxy } from '../fakes/lossy-proxy.js';
import { describeWithMoto, motoUrl, useMotoEnvironment } from '../helpers/aws.js';
import { useTestBot } from '../helpers/bot.js';
import { DATABASES } from '../helpers/databases.js';
import { recordForLeakScan } from '../helpers/leaks.js';
import { BOT_ARN, engineerWithKey, type Harness, rotationHarness } from '../helpers/rotation.js';
import { fileRotation } from '../helpers/rotation-bolt.js';

const trail = mockClient(CloudTrailClient);

/**
 * A Secrets Manager client whose process is killed at `command` (before sending it, or after AWS acted on it): from
 * then on it never answers, as a dead process never goes on. The test then "restarts" with fresh dependencies.
 */
function dyingAt(
  command: string,
  when: 'before' | 'after',
): { client: SecretsManagerClient; died: Promise<void> } {
  const client = new SecretsManagerClient({});
  let dead = false;
  let markDead = () => {};
  const died = new Promise<void>((resolve) => {
    markDead = resolve;
  });
  const never = new Promise<never>(() => {});
  (client.middlewareStack as unknown as { add(m: unknown, o: unknown): void }).add(
    (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      if (dead) return never;
      if (context.commandName !== command) return next(args);
      if (when === 'after') await next(args);
      dead = true;
      markDead();
      return never;
    },
    { step: 'initialize' },
  );
  return { client, died };
}

describeWithMoto('attack: crashes and lost answers around key creation', () => {
  let db: Db;
  let drop: () => Promise<void>;
  let h: Harness;
  const users = new Map<string, IamUser>();

  beforeAll(async () => {
    useMotoEnvironment();
    ({ db, drop } = await (DATABASES[0] ?? { open: () => Promise.reject(new Error('no database')) }).open());
    h = rotationHarness(db, { users, approvers: ['U0APPROVER1'] });
  });
  afterAll(async () => {
    recordForLeakScan('security-integrity', { published: h.published, sent: h.sent, logs: h.logs });
    await drop();
  });

  async function approvedRequest() {
    const e = await engineerWithKey(h.iamClient);
    users.set(e.slackUserId, e.user);
    const r = await requestRotation(h.deps, {
      slackUserId: e.slackUserId,
      accessKeyId: e.keyId,
      reason: 'q',
    });
    if (r.kind !== 'created') throw new Error(JSON.stringify(r));
    return { e, id: r.requestId, secretName: `aws-mfa-bot/123456789012/${e.user.userName}` };
  }

  const versionsOf = async (name: string) =>
    (await h.secretsClient.send(new ListSecretVersionIdsCommand({ SecretId: name }))).Versions ?? [];
  const policyOf = async (name: string) =>
    JSON.parse(
      (await h.secretsClient.send(new GetResourcePolicyCommand({ SecretId: name }))).ResourcePolicy ?? '{}',
    );

  it('a crash right after CreateSecret leaves an empty secret with no key in it; the restart completes it with its policy', async () => {
    const { e, id, secretName } = await approvedRequest();
    const dying = dyingAt('CreateSecretCommand', 'after');
    const secrets = createSecretsAdapter(dying.client, async () => BOT_ARN);
    void approveRotation(h.restart({ secrets }), id, 'U0APPROVER1');
    await dying.died;
    expect(await versionsOf(secretName)).toEqual([]);

    // The restarted process is the same instance: it takes over its dead boot's lease at once, no waiting.
    await h.runJobs(h.restart());
    const r = await h.store.get(id);
    expect(r?.state).toBe('delivered');
    expect(await policyOf(secretName)).toEqual(JSON.parse(ownerOnlyPolicy(e.user.arn, BOT_ARN)));
    const keys = await h.iamClient.send(new ListAccessKeysCommand({ UserName: e.user.userName }));
    expect(keys.AccessKeyMetadata).toHaveLength(2);
  });

  it('a crash after the value was written is recovered only after the policy is put back and verified', async () => {
    const { e, id, secretName } = await approvedRequest();
    const dying = dyingAt('PutSecretValueCommand', 'after');
    void approveRotation(
      h.restart({ secrets: createSecretsAdapter(dying.client, async () => BOT_ARN) }),
      id,
      'U0APPROVER1',
    );
    await dying.died;
    // While the bot was down, someone with secretsmanager:* removed the policy (a real policy denies this; moto
    // does not enforce resource policies).
    await h.secretsClient.send(new DeleteResourcePolicyCommand({ SecretId: secretName }));

    h.clock.advance(LEASE_MS + 1);
    await h.runJobs(h.restart());
    expect((await h.store.get(id))?.state).toBe('delivered');
    expect(await policyOf(secretName)).toEqual(JSON.parse(ownerOnlyPolicy(e.user.arn, BOT_ARN)));
    expect((await h.store.audit(id)).map((a) => a.detail)).toContain('recovered after a restart');
    const described = await h.secretsClient.send(new DescribeSecretCommand({ SecretId: secretName }));
    expect(Object.fromEntries((described.Tags ?? []).map((t) => [t.Key, t.Value]))).toMatchObject({
      'managed-by': 'aws-mfa-bot',
      owner: e.user.arn,
      'request-id': id,
    });
  });

  it('a 500 after IAM made the key, with the clean-up failing too: the request fails and the job deletes the key', async () => {
    const { e, id } = await approvedRequest();
    let listings = 0;
    const keys: KeyAdminPort = {
      ...h.deps.keys,
      async createAccessKey(userName) {
        await h.deps.keys.createAccessKey(userName);
        throw new FactError({ kind: 'other', action: 'iam:CreateAccessKey', code: 'InternalFailure' });
      },
      async listAccessKeys(userName) {
        // The listing before CreateAccessKey works; the clean-up's (the second) fails: IAM is having a bad minute.
        if (++listings === 2)
          throw new FactError({ kind: 'other', action: 'iam:ListAccessKeys', code: 'InternalFailure' });
        return h.deps.keys.listAccessKeys(userName);
      },
    };
    await approveRotation(h.restart({ keys }), id, 'U0APPROVER1');
    expect((await h.store.get(id))?.state).toBe('failed');
    const before = await h.iamClient.send(new ListAccessKeysCommand({ UserName: e.user.userName }));
    expect(before.AccessKeyMetadata).toHaveLength(2);

    expect(await h.runJobs(h.restart())).toMatchObject({ orphansDeleted: 1, errors: 0 });
    const after = await h.iamClient.send(new ListAccessKeysCommand({ UserName: e.user.userName }));
    expect(after.AccessKeyMetadata?.map((k) => k.AccessKeyId)).toEqual([e.keyId]);
    expect(await h.runJobs(h.restart())).toMatchObject({ orphansDeleted: 0 });
  });

  it("with the bot's clock a minute ahead of IAM's, a key left by a killed attempt is still recognised and adopted or deleted", async () => {
    // The clock is moved before the request is filed: a request older than REQUEST_TTL_HOURS cannot be approved.
    h.clock.advance(Date.now() + 60_000 - h.clock.now().getTime());
    const { e, id, secretName } = await approvedRequest();
    let died: () => void = () => {};
    const dead = new Promise<void>((resolve) => {
      died = resolve;
    });
    const keys: KeyAdminPort = {
      ...h.deps.keys,
      async createAccessKey(userName) {
        await h.deps.keys.createAccessKey(userName);
        died();
        return new Promise<never>(() => {});
      },
    };
    void approveRotation(h.restart({ keys }), id, 'U0APPROVER1');
    await dead;
    await h.runJobs(h.restart());
    const r = await h.store.get(id);
    expect(r?.state).toBe('delivered');
    const listed = await h.iamClient.send(new ListAccessKeysCommand({ UserName: e.user.userName }));
    expect(listed.AccessKeyMetadata).toHaveLength(2);
    const stored = JSON.parse(
      (await h.secretsClient.send(new GetSecretValueCommand({ SecretId: secretName }))).SecretString ?? '{}',
    );
    expect(listed.AccessKeyMetadata?.map((k) => k.AccessKeyId)).toContain(stored.AccessKeyId);
  });

  it('PutResourcePolicy refused on every retry: the rotation fails and the existing secret still holds the valid key', async () => {
    const { e, id: first, secretName } = await approvedRequest();
    await approveRotation(h.deps, first, 'U0APPROVER1');
    const before = await h.secretsClient.send(new GetSecretValueCommand({ SecretId: secretName }));
    // The next rotation of the same user, with Secrets Manager refusing the policy every time.
    h.clock.advance(8 * 86_400_000);
    await h.runJobs();
    const keyNow = (
      await h.iamClient.send(new ListAccessKeysCommand({ UserName: e.user.userName }))
    ).AccessKeyMetadata?.find((k) => k.Status === 'Active')?.AccessKeyId;
    const again = await requestRotation(h.deps, {
      slackUserId: e.slackUserId,
      accessKeyId: keyNow ?? '',
      reason: 'q',
    });
    if (again.kind !== 'created') throw new Error(JSON.stringify(again));
    const refusing = new SecretsManagerClient({});
    (refusing.middlewareStack as unknown as { add(m: unknown, o: unknown): void }).add(
      (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) =>
        async (args: unknown) => {
          if (context.commandName === 'PutResourcePolicyCommand')
            throw Object.assign(new Error('denied'), { name: 'AccessDeniedException', $metadata: {} });
          return next(args);
        },
      { step: 'initialize' },
    );
    await approveRotation(
      h.restart({ secrets: createSecretsAdapter(refusing, async () => BOT_ARN) }),
      again.requestId,
      'U0APPROVER1',
    );
    expect((await h.store.get(again.requestId))?.state).toBe('failed');
    const after = await h.secretsClient.send(new GetSecretValueCommand({ SecretId: secretName }));
    expect(after.VersionId).toBe(before.VersionId);
    expect(JSON.parse(after.SecretString ?? '{}').AccessKeyId).toBe(keyNow);
  });

  it('refuses a secret someone planted at the bot’s name: the rotation fails, the key is gone, the planted value stays', async () => {
    const { e, id, secretName } = await approvedRequest();
    await h.secretsClient.send(new CreateSecretCommand({ Name: secretName, SecretString: 'planted' }));
    await approveRotation(h.deps, id, 'U0APPROVER1');
    expect(await h.store.get(id)).toMatchObject({
      state: 'failed',
      failure: expect.stringContaining('not tagged managed-by=aws-mfa-bot'),
    });
    const keys = await h.iamClient.send(new ListAccessKeysCommand({ UserName: e.user.userName }));
    expect(keys.AccessKeyMetadata?.map((k) => k.AccessKeyId)).toEqual([e.keyId]);
    expect(
      (await h.secretsClient.send(new GetSecretValueCommand({ SecretId: secretName }))).SecretString,
    ).toBe('planted');
    expect(h.logs.join('\n')).toMatch(/"level":50.*rotation failed/);
  });
});

describeWithMoto('attack: the answer to CreateAccessKey is lost on the way back', () => {
  let proxy: Awaited<ReturnType<typeof startLossyProxy>>;

  beforeEach(async () => {
    proxy = await startLossyProxy(motoUrl, /Action=CreateAccessKey/, 1);
  });
  // Registered first, so it runs after the bot has stopped.
  afterEach(() => proxy.stop());
  const t = useTestBot({ awsEndpoint: () => proxy.url, trail });

  it('no key nobody holds remains; the job completes the rotation with exactly one new key', async () => {
    const who = await t.engineer({ mfa: true });
    const key = await t.iam.send(new CreateAccessKeyCommand({ UserName: who.userName }));
    const oldKeyId = key.AccessKey?.AccessKeyId ?? '';
    const requestId = await fileRotation(t, who.slackUserId, oldKeyId);
    await t.clickMessageButton('U0APPROVER1', 'C0APPROVALS', 'rotation_approve', requestId).sent;
    await t.fake.waitFor(() => t.logs.some((l) => l.msg === 'rotation interrupted; will resume'), 10_000);
    expect(proxy.lost).toBe(1);
    // The key IAM made for the lost answer was deleted at once: only the old key is left.
    const after = await t.iam.send(new ListAccessKeysCommand({ UserName: who.userName }));
    expect(after.AccessKeyMetadata?.map((k) => k.AccessKeyId)).toEqual([oldKeyId]);

    expect(await t.bot.runJobs()).toMatchObject({ resumed: 1 });
    const keys = await t.iam.send(new ListAccessKeysCommand({ UserName: who.userName }));
    expect(keys.AccessKeyMetadata).toHaveLength(2);
    const sm = new SecretsManagerClient({ endpoint: motoUrl });
    const stored = JSON.parse(
      (await sm.send(new GetSecretValueCommand({ SecretId: `aws-mfa-bot/123456789012/${who.userName}` })))
        .SecretString ?? '{}',
    );
    expect(keys.AccessKeyMetadata?.map((k) => k.AccessKeyId)).toContain(stored.AccessKeyId);
    sm.destroy();
  });
});
