import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  ListAccessKeysCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { GetResourcePolicyCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Db } from '../../../src/adapters/store/db.js';
import { FactError } from '../../../src/errors.js';
import { approveRotation, denyRotation } from '../../../src/features/rotation/decide-rotation.js';
import { LEASE_MS } from '../../../src/features/rotation/execute-rotation.js';
import { reactivateOldKey } from '../../../src/features/rotation/old-key-actions.js';
import type { SecretsPort } from '../../../src/features/rotation/ports-aws.js';
import { requestRotation } from '../../../src/features/rotation/request-rotation.js';
import type { KeyAdminPort } from '../../../src/kernel/aws-ports.js';
import type { IamUser } from '../../../src/kernel/domain/types.js';
import { describeWithMoto, useMotoEnvironment } from '../../helpers/aws.js';
import { DATABASES } from '../../helpers/databases.js';
import { recordForLeakScan } from '../../helpers/leaks.js';
import { engineerWithKey, type Harness, rotationHarness } from '../../helpers/rotation.js';

const DAY = 86_400_000;
const APPROVERS = ['U0APPROVER1', 'U0APPROVER2', ...Array.from({ length: 20 }, (_, i) => `U0CROWD${i}`)];

describeWithMoto.each(DATABASES)('key rotation on $name, against moto_server', (database) => {
  let db: Db;
  let drop: () => Promise<void>;
  let h: Harness;
  const users = new Map<string, IamUser>();

  beforeAll(async () => {
    useMotoEnvironment();
    ({ db, drop } = await database.open());
    h = rotationHarness(db, { users, approvers: APPROVERS });
  });
  afterAll(async () => {
    recordForLeakScan('rotation-services', { published: h.published, sent: h.sent, logs: h.logs });
    await drop();
  });

  async function engineer() {
    const e = await engineerWithKey(h.iamClient);
    users.set(e.slackUserId, e.user);
    return e;
  }

  async function keysOf(userName: string) {
    const r = await h.iamClient.send(new ListAccessKeysCommand({ UserName: userName }));
    return (r.AccessKeyMetadata ?? []).map((k) => ({ id: k.AccessKeyId ?? '', status: k.Status }));
  }

  async function requested(e: Awaited<ReturnType<typeof engineer>>) {
    const r = await requestRotation(h.deps, {
      slackUserId: e.slackUserId,
      accessKeyId: e.keyId,
      reason: 'quarterly',
    });
    if (r.kind !== 'created') throw new Error(`not created: ${JSON.stringify(r)}`);
    return r.requestId;
  }

  it('request → approve → new key in IAM, stored owner-only in Secrets Manager, DM queued, message updated', async () => {
    const e = await engineer();
    const id = await requested(e);
    expect(h.published.at(-1)?.request).toMatchObject({ id, state: 'requested' });

    expect(await approveRotation(h.deps, id, 'U0APPROVER1')).toMatchObject({
      kind: 'approved',
      row: { id, state: 'approved' },
    });
    const r = await h.store.get(id);
    expect(r).toMatchObject({
      state: 'delivered',
      oldKeyId: e.keyId,
      secretName: `aws-mfa-bot/123456789012/${e.user.userName}`,
    });
    expect(r?.deactivateAfter).toBe(h.clock.now().getTime() + 7 * DAY);

    const keys = await keysOf(e.user.userName);
    expect(keys).toHaveLength(2);
    expect(keys.map((k) => k.id)).toContain(r?.newKeyId);
    const secret = await h.secretsClient.send(new GetSecretValueCommand({ SecretId: r?.secretName }));
    expect(JSON.parse(secret.SecretString ?? '')).toMatchObject({
      AccessKeyId: r?.newKeyId,
      UserName: e.user.userName,
    });
    const policy = JSON.parse(
      (await h.secretsClient.send(new GetResourcePolicyCommand({ SecretId: r?.secretName })))
        .ResourcePolicy ?? '',
    );
    expect(policy.Statement[0].Principal.AWS).toBe(e.user.arn);

    const report = await h.runJobs();
    expect(report.dmsSent).toBeGreaterThanOrEqual(2);
    const mine = h.sent.filter((m) => m.notice.requestId === id);
    expect(mine.map((m) => [m.channel, m.notice.kind])).toEqual(
      expect.arrayContaining([
        [e.slackUserId, 'request_decided'],
        ['U0APPROVER1', 'decision_recorded'],
        [e.slackUserId, 'key_delivered'],
      ]),
    );
    expect(h.published.filter((p) => p.request.id === id).at(-1)?.request.state).toBe('delivered');
    expect((await h.store.audit(id)).map((a) => a.toState)).toEqual([
      'requested',
      'approved',
      'key_created',
      'delivered',
    ]);

    // The secret is nowhere but Secrets Manager: not in the database, the audit log, the outbox or the logs.
    const secretKey = JSON.parse(secret.SecretString ?? '').SecretAccessKey as string;
    const tables = await Promise.all(
      ['rotation_requests', 'audit_log', 'outbox'].map((t) => db.all(`SELECT * FROM ${t}`)),
    );
    expect(JSON.stringify(tables)).not.toContain(secretKey);
    expect(h.logs.join('')).not.toContain(secretKey);
    expect(JSON.stringify(h.published)).not.toContain(secretKey);
  });

  it('deny leaves IAM untouched and tells the requester', async () => {
    const e = await engineer();
    const id = await requested(e);
    const before = await keysOf(e.user.userName);
    expect(await denyRotation(h.deps, id, 'U0APPROVER2', 'not now')).toMatchObject({
      kind: 'denied',
      row: { id, state: 'denied' },
    });
    expect(await keysOf(e.user.userName)).toEqual(before);
    expect(await h.store.get(id)).toMatchObject({
      state: 'denied',
      decidedBy: 'U0APPROVER2',
      denyReason: 'not now',
    });
    expect(await approveRotation(h.deps, id, 'U0APPROVER1')).toEqual({ kind: 'refused', why: 'closed' });
  });

  it('refuses the requester, non-approvers and unknown requests, changing nothing', async () => {
    const e = await engineer();
    APPROVERS.push(e.slackUserId); // even an approver may not approve their own request
    const id = await requested(e);
    expect(await approveRotation(h.deps, id, e.slackUserId)).toEqual({ kind: 'refused', why: 'self' });
    expect(await approveRotation(h.deps, id, 'U0RANDOM')).toEqual({ kind: 'refused', why: 'not_approver' });
    expect(await denyRotation(h.deps, id, 'U0RANDOM', 'x')).toEqual({ kind: 'refused', why: 'not_approver' });
    expect(await approveRotation(h.deps, 'no-such-request', 'U0APPROVER1')).toEqual({
      kind: 'refused',
      why: 'not_found',
    });
    expect((await h.store.get(id))?.state).toBe('requested');
    expect(await h.store.approvals(id)).toEqual([]);
  });

  it('validates the request: reason, key ownership, one open request per key', async () => {
    const e = await engineer();
    const ask = (accessKeyId: string, reason: string) =>
      requestRotation(h.deps, { slackUserId: e.slackUserId, accessKeyId, reason });
    expect(await ask(e.keyId, '   ')).toEqual({
      kind: 'invalid',
      field: 'reason',
      problem: 'reason_required',
    });
    expect(await ask(e.keyId, 'x'.repeat(501))).toEqual({
      kind: 'invalid',
      field: 'reason',
      problem: 'reason_too_long',
    });
    expect(await ask('FAKEKEYNOTMINE01', 'ok')).toEqual({
      kind: 'invalid',
      field: 'key',
      problem: 'key_not_yours',
    });
    expect((await ask(e.keyId, 'ok')).kind).toBe('created');
    expect(await ask(e.keyId, 'again')).toEqual({ kind: 'invalid', field: 'key', problem: 'open_request' });
    expect(
      await requestRotation(h.deps, { slackUserId: 'U0NOBODY', accessKeyId: e.keyId, reason: 'x' }),
    ).toEqual({ kind: 'unmapped' });
  });

  it('20 approvers clicking at once make exactly one new key', async () => {
    const e = await engineer();
    const id = await requested(e);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => approveRotation(h.deps, id, `U0CROWD${i}`)),
    );
    expect(results.filter((r) => r.kind === 'approved')).toHaveLength(1);
    expect(await keysOf(e.user.userName)).toHaveLength(2);
    expect((await h.store.audit(id)).filter((a) => a.toState === 'key_created')).toHaveLength(1);
  });

  it('needs two approvers for an admin-level user', async () => {
    const e = await engineer();
    await h.iamClient.send(
      new AttachUserPolicyCommand({
        UserName: e.user.userName,
        PolicyArn: 'arn:aws:iam::aws:policy/IAMFullAccess',
      }),
    );
    const id = await requested(e);
    expect(await h.store.get(id)).toMatchObject({ privileged: true, requiredApprovals: 2 });
    expect(await approveRotation(h.deps, id, 'U0APPROVER1')).toEqual({
      kind: 'recorded',
      approvals: 1,
      required: 2,
    });
    expect(await approveRotation(h.deps, id, 'U0APPROVER1')).toEqual({
      kind: 'refused',
      why: 'already_approved',
    });
    expect(await keysOf(e.user.userName)).toHaveLength(1);
    expect(await approveRotation(h.deps, id, 'U0APPROVER2')).toMatchObject({
      kind: 'approved',
      row: { id, state: 'approved' },
    });
    expect(await keysOf(e.user.userName)).toHaveLength(2);
  });

  it('makes room by deleting an inactive second key, and fails rather than delete an active one', async () => {
    const e = await engineer();
    const spare = await h.iamClient.send(new CreateAccessKeyCommand({ UserName: e.user.userName }));
    const spareId = spare.AccessKey?.AccessKeyId ?? '';
    const id = await requested(e);
    await approveRotation(h.deps, id, 'U0APPROVER1');
    expect(await h.store.get(id)).toMatchObject({
      state: 'failed',
      failure: expect.stringContaining('two active access keys'),
    });
    expect((await keysOf(e.user.userName)).map((k) => k.id).sort()).toEqual([e.keyId, spareId].sort());

    await h.iamClient.send(
      new UpdateAccessKeyCommand({ UserName: e.user.userName, AccessKeyId: spareId, Status: 'Inactive' }),
    );
    const again = await requested(e);
    await approveRotation(h.deps, again, 'U0APPROVER1');
    const keys = await keysOf(e.user.userName);
    expect(keys.map((k) => k.id)).not.toContain(spareId);
    expect(keys.map((k) => k.id)).toContain(e.keyId);
    expect((await h.store.get(again))?.state).toBe('delivered');
  });

  it('deletes the new key and fails when Secrets Manager keeps refusing', async () => {
    const e = await engineer();
    const id = await requested(e);
    const refusing: SecretsPort = {
      storeAccessKey: async () => {
        throw new FactError({
          kind: 'access_denied',
          action: 'secretsmanager:CreateSecret',
          code: 'AccessDeniedException',
        });
      },
      hasVersion: async () => false,
      secure: async () => {},
    };
    await approveRotation(h.restart({ secrets: refusing }), id, 'U0APPROVER1');
    expect(await h.store.get(id)).toMatchObject({
      state: 'failed',
      failure: expect.stringContaining('was deleted'),
    });
    expect((await keysOf(e.user.userName)).map((k) => k.id)).toEqual([e.keyId]);
    // Told once of each: approved, then failed — each notice as of the transition that queued it.
    await h.runJobs();
    const toRequester = h.sent.filter((m) => m.channel === e.slackUserId && m.notice.requestId === id);
    expect(toRequester.map((m) => (m.notice as { state?: string }).state)).toEqual(['approved', 'failed']);
  });

  it('recovers from a crash right after CreateAccessKey: the secretless key is deleted and the rotation completes', async () => {
    const e = await engineer();
    const id = await requested(e);
    const real = h.deps.keys;
    // The process dies once IAM made the key: from then on nothing of it runs (an error would be handled instead).
    let died: () => void = () => {};
    const dead = new Promise<void>((resolve) => {
      died = resolve;
    });
    const crashing: KeyAdminPort = {
      ...real,
      createAccessKey: async (userName) => {
        await real.createAccessKey(userName);
        died();
        return new Promise<never>(() => {});
      },
    };
    void approveRotation(h.restart({ keys: crashing }), id, 'U0APPROVER1');
    await dead;
    expect((await h.store.get(id))?.state).toBe('approved');
    expect(await keysOf(e.user.userName)).toHaveLength(2);

    h.clock.advance(LEASE_MS + 1000);
    await h.runJobs(h.restart());
    const r = await h.store.get(id);
    expect(r?.state).toBe('delivered');
    const keys = await keysOf(e.user.userName);
    expect(keys.map((k) => k.id).sort()).toEqual([e.keyId, r?.newKeyId].sort());
    const secret = await h.secretsClient.send(new GetSecretValueCommand({ SecretId: r?.secretName }));
    expect(JSON.parse(secret.SecretString ?? '').AccessKeyId).toBe(r?.newKeyId);
  });

  it('recovers from a crash right after storing the secret: the stored key is adopted, not duplicated', async () => {
    const e = await engineer();
    const id = await requested(e);
    const real = h.deps.secrets;
    const crashing: SecretsPort = {
      ...real,
      storeAccessKey: async (input) => {
        await real.storeAccessKey(input);
        throw new Error('process killed');
      },
    };
    await expect(approveRotation(h.restart({ secrets: crashing }), id, 'U0APPROVER1')).rejects.toThrow(
      'process killed',
    );
    expect((await h.store.get(id))?.state).toBe('approved');

    h.clock.advance(LEASE_MS + 1000);
    await h.runJobs(h.restart());
    const r = await h.store.get(id);
    expect(r?.state).toBe('delivered');
    expect((await h.store.audit(id)).find((a) => a.toState === 'key_created')?.detail).toBe(
      'recovered after a restart',
    );
    // The key made before the crash is the one adopted: still exactly two keys, and the secret holds the new one.
    const keys = await keysOf(e.user.userName);
    expect(keys.map((k) => k.id).sort()).toEqual([e.keyId, r?.newKeyId].sort());
    const secret = await h.secretsClient.send(new GetSecretValueCommand({ SecretId: r?.secretName }));
    expect(JSON.parse(secret.SecretString ?? '').AccessKeyId).toBe(r?.newKeyId);
  });

  it('keeps a DM that Slack refused and sends it on the next run', async () => {
    const e = await engineer();
    const id = await requested(e);
    await approveRotation(h.deps, id, 'U0APPROVER1');
    h.failMessenger(100);
    const failed = await h.runJobs();
    expect(failed.dmsFailed).toBeGreaterThan(0);
    expect(h.sent.filter((m) => m.notice.requestId === id && m.notice.kind === 'key_delivered')).toEqual([]);
    h.failMessenger(0);
    h.clock.advance(10 * 60_000);
    await h.runJobs();
    expect(h.sent.filter((m) => m.notice.requestId === id && m.notice.kind === 'key_delivered')).toHaveLength(
      1,
    );
    await h.runJobs();
    expect(h.sent.filter((m) => m.notice.requestId === id && m.notice.kind === 'key_delivered')).toHaveLength(
      1,
    );
  });

  it('repairs an approval message Slack did not update', async () => {
    const e = await engineer();
    const id = await requested(e);
    h.failBoard(1);
    await denyRotation(h.deps, id, 'U0APPROVER1', 'no');
    expect((await h.store.get(id))?.messageSynced).toBe(false);
    const report = await h.runJobs();
    expect(report.messagesSynced).toBeGreaterThanOrEqual(1);
    expect(await h.store.get(id)).toMatchObject({ messageSynced: true });
    expect(h.published.filter((p) => p.request.id === id).at(-1)?.request.state).toBe('denied');
  });

  it('expires a request nobody decided within REQUEST_TTL_HOURS', async () => {
    const e = await engineer();
    const id = await requested(e);
    h.clock.advance(23 * 3_600_000);
    await h.runJobs();
    expect((await h.store.get(id))?.state).toBe('requested');
    h.clock.advance(3_600_000);
    await h.runJobs();
    expect((await h.store.get(id))?.state).toBe('expired');
    expect(h.sent.some((m) => m.notice.requestId === id && m.channel === e.slackUserId)).toBe(true);
  });

  it('deactivates the old key after the grace period, then deletes it; a reactivation lasts one grace period', async () => {
    const e = await engineer();
    const id = await requested(e);
    await approveRotation(h.deps, id, 'U0APPROVER1');
    h.clock.advance(7 * DAY - 60_000);
    await h.runJobs();
    expect((await h.store.get(id))?.state).toBe('delivered');
    h.clock.advance(60_000);
    await h.runJobs();
    expect((await keysOf(e.user.userName)).find((k) => k.id === e.keyId)?.status).toBe('Inactive');
    expect((await h.store.get(id))?.state).toBe('old_deactivated');

    expect((await reactivateOldKey(h.deps, id, 'U0SOMEONEELSE')).outcome).toBe('not_owner');
    expect((await reactivateOldKey(h.deps, id, e.slackUserId)).outcome).toBe('done');
    expect((await keysOf(e.user.userName)).find((k) => k.id === e.keyId)?.status).toBe('Active');
    h.clock.advance(7 * DAY - 60_000);
    await h.runJobs();
    expect((await h.store.get(id))?.state).toBe('delivered');
    h.clock.advance(60_000);
    await h.runJobs();
    expect((await h.store.get(id))?.state).toBe('old_deactivated');
    expect((await keysOf(e.user.userName)).find((k) => k.id === e.keyId)?.status).toBe('Inactive');

    h.clock.advance(7 * DAY);
    await h.runJobs();
    expect((await h.store.get(id))?.state).toBe('old_deleted');
    expect((await keysOf(e.user.userName)).map((k) => k.id)).not.toContain(e.keyId);
  });

  it('two job runners at once (replicas, a CronJob): each old key deactivated once, deleted once, the owner told once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const e = await engineer();
      const id = await requested(e);
      await approveRotation(h.deps, id, 'U0APPROVER1');
      ids.push(id);
    }
    const calls = { update: 0, delete: 0 };
    // Two replicas: two instances, each with its own claims.
    const counting = (replica: string) => {
      const d = h.restart();
      return h.restart({
        holder: `${replica}#boot`,
        keys: {
          ...d.keys,
          async setAccessKeyStatus(...args) {
            calls.update++;
            return d.keys.setAccessKeyStatus(...args);
          },
          async deleteAccessKey(...args) {
            calls.delete++;
            return d.keys.deleteAccessKey(...args);
          },
        },
      });
    };
    const sentBefore = h.sent.length;
    h.clock.advance(8 * DAY);
    await Promise.all([h.runJobs(counting('replica-a')), h.runJobs(counting('replica-b'))]);
    expect(calls.update).toBe(4);
    h.clock.advance(8 * DAY);
    await Promise.all([h.runJobs(counting('replica-a')), h.runJobs(counting('replica-b'))]);
    expect(calls.delete).toBe(4);
    for (const id of ids) expect((await h.store.get(id))?.state).toBe('old_deleted');
    const told = h.sent
      .slice(sentBefore)
      .filter((m) => ids.includes(m.notice.requestId ?? '') && m.notice.kind.startsWith('old_key'));
    expect(told.map((m) => m.notice.kind).sort()).toEqual([
      ...Array(4).fill('old_key_deactivated'),
      ...Array(4).fill('old_key_deleted'),
    ]);
  });

  it('waits another grace period when the old key is still used, telling the owner where', async () => {
    const e = await engineer();
    const id = await requested(e);
    await approveRotation(h.deps, id, 'U0APPROVER1');
    const r = await h.store.get(id);
    h.keyUse.splice(0, h.keyUse.length, {
      eventTime: new Date(h.clock.now().getTime() + DAY),
      eventName: 'GetObject',
      eventSource: 's3.amazonaws.com',
      region: 'ap-northeast-2',
      sourceIp: '198.51.100.7',
      userAgent: 'Boto3/1.34',
    });
    const usedAfter = new Date((r?.newKeyCreatedAt ?? 0) + DAY);
    const deps = h.restart({
      keys: {
        ...h.deps.keys,
        lastUsed: async () => ({ date: usedAfter, serviceName: 's3', region: 'ap-northeast-2' }),
      },
    });
    h.clock.advance(7 * DAY);
    const report = await h.runJobs(deps);
    expect(report.postponed).toBe(1);
    expect(await h.store.get(id)).toMatchObject({
      state: 'delivered',
      deactivateAfter: h.clock.now().getTime() + 7 * DAY,
    });
    expect((await keysOf(e.user.userName)).find((k) => k.id === e.keyId)?.status).toBe('Active');
    const notice = h.sent.find(
      (m) => m.notice.requestId === id && m.notice.kind === 'old_key_in_use',
    )?.notice;
    expect(notice).toMatchObject({
      events: [{ eventName: 'GetObject', sourceIp: '198.51.100.7', userAgent: 'Boto3/1.34' }],
    });
    h.keyUse.splice(0);
  });
});
