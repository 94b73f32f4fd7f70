import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/adapters/store/db.js';
import { migrate } from '../../src/adapters/store/migrations.js';
import { createRotationStore } from '../../src/adapters/store/rotation-store.js';
import type { RotationStore } from '../../src/kernel/ports.js';
import { request, T0 } from '../fixtures/rotation.js';
import { DATABASES, pgUrl } from '../helpers/databases.js';

if (!pgUrl) it.skip('PostgreSQL store suite (no PostgreSQL server)', () => {});

describe.each(DATABASES)('rotation store on $name', (database) => {
  let db: Db;
  let drop: () => Promise<void>;
  let store: RotationStore;
  const clock = { now: () => new Date(T0 + 1000) };

  beforeAll(async () => {
    ({ db, drop } = await database.open());
    store = createRotationStore(db, clock);
  });
  afterAll(() => drop());

  it('migrates once: a second run applies nothing', async () => {
    expect(await migrate(db)).toEqual([]);
  });

  it('creates and reads back a request with every field', async () => {
    const r = request({ privileged: true, requiredApprovals: 2, reason: '<!channel> 키 교체' });
    expect(await store.create(r, 'U0ALICE')).toBe('created');
    expect(await store.get(r.id)).toEqual(r);
    expect(await store.get('nope')).toBeUndefined();
  });

  it('refuses a second open request for the same key, and allows one after the first closed', async () => {
    const first = request();
    expect(await store.create(first, 'U0ALICE')).toBe('created');
    expect(await store.create(request({ oldKeyId: first.oldKeyId }), 'U0ALICE')).toBe('duplicate');
    expect((await store.openRequestForKey(first.oldKeyId))?.id).toBe(first.id);
    expect(await store.transition(first.id, ['requested'], 'denied', { denyReason: 'no' }, 'U0BOB')).toBe(
      true,
    );
    expect(await store.create(request({ oldKeyId: first.oldKeyId }), 'U0ALICE')).toBe('created');
  });

  it('moves a request only from the expected state, and audits each move', async () => {
    const r = request();
    await store.create(r, 'U0ALICE');
    expect(
      await store.transition(r.id, ['requested'], 'approved', { decidedBy: 'U0BOB', decidedAt: T0 }, 'U0BOB'),
    ).toBe(true);
    expect(await store.transition(r.id, ['requested'], 'denied', {}, 'U0CAROL')).toBe(false);
    expect(await store.transition('missing', ['requested'], 'denied', {}, 'U0CAROL')).toBe(false);
    expect(await store.get(r.id)).toMatchObject({ state: 'approved', decidedBy: 'U0BOB', decidedAt: T0 });
    expect((await store.audit(r.id)).map((a) => [a.actor, a.fromState, a.toState])).toEqual([
      ['U0ALICE', undefined, 'requested'],
      ['U0BOB', 'requested', 'approved'],
    ]);
  });

  it('queues notices in the same transaction as the move, and none when the move loses', async () => {
    const r = request();
    await store.create(r, 'U0ALICE');
    const notify = [{ channel: 'U0ALICE', notice: { kind: 'request_decided' as const, requestId: r.id } }];
    expect(await store.transition(r.id, ['requested'], 'denied', {}, 'U0BOB', { detail: 'no', notify })).toBe(
      true,
    );
    expect(await store.transition(r.id, ['requested'], 'denied', {}, 'U0BOB', { notify })).toBe(false);
    const queued = (await store.claimDue(T0 + 10_000, 100, 0)).filter((m) => m.notice.requestId === r.id);
    expect(queued).toHaveLength(1);
    expect((await store.audit(r.id)).at(-1)).toMatchObject({ toState: 'denied', detail: 'no' });
  });

  it('lets exactly one of many concurrent transitions win', async () => {
    const r = request();
    await store.create(r, 'U0ALICE');
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.transition(r.id, ['requested'], 'approved', {}, `U0APPROVER${i}`),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await store.audit(r.id)).filter((a) => a.toState === 'approved')).toHaveLength(1);
  });

  it('refuses a move the state table forbids, changing nothing', async () => {
    const r = request({ state: 'delivered' });
    await store.create(r, 'U0ALICE');
    await expect(store.transition(r.id, ['delivered'], 'approved', {}, 'U0BUG')).rejects.toThrow(
      'delivered → approved is not an allowed transition',
    );
    expect((await store.get(r.id))?.state).toBe('delivered');
    expect((await store.audit(r.id)).map((a) => a.toState)).toEqual(['delivered']);
  });

  it('records each approver once', async () => {
    const r = request();
    await store.create(r, 'U0ALICE');
    await Promise.all([
      store.approve(r.id, 'U0BOB', T0),
      store.approve(r.id, 'U0BOB', T0 + 1),
      store.approve(r.id, 'U0CAROL', T0 + 2),
    ]);
    expect(await store.approvals(r.id)).toEqual(['U0BOB', 'U0CAROL']);
  });

  it('two approvers at once on a request that needs two: it moves (neither counts only itself)', async () => {
    for (let round = 0; round < 10; round++) {
      const r = request({ requiredApprovals: 2 });
      await store.create(r, 'U0ALICE');
      const decide = (all: readonly string[]) =>
        all.length >= 2 ? { patch: { decidedBy: all.join(',') }, notify: [] } : undefined;
      await Promise.all([
        store.approve(r.id, 'U0BOB', T0, decide),
        store.approve(r.id, 'U0CAROL', T0, decide),
      ]);
      expect((await store.get(r.id))?.state).toBe('approved');
    }
  });

  it('records the approval and the move it completes in one transaction: 20 at once move it once', async () => {
    const r = request({ requiredApprovals: 2 });
    await store.create(r, 'U0ALICE');
    const decide = (all: readonly string[]) =>
      all.length >= 2
        ? {
            patch: { decidedBy: all.join(',') },
            notify: [{ channel: 'U0ALICE', notice: { kind: 'request_decided' as const, requestId: r.id } }],
          }
        : undefined;
    const first = await store.approve(r.id, 'U0BOB', T0, decide);
    expect(first).toEqual({ approvals: ['U0BOB'], approved: false });
    const crowd = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.approve(r.id, `U0CROWD${i}`, T0 + 1 + i, decide)),
    );
    expect(crowd.filter((c) => c.approved)).toHaveLength(1);
    expect((await store.get(r.id))?.state).toBe('approved');
    const queued = (await store.claimDue(T0 + 10_000_000, 1000, 0)).filter(
      (m) => m.notice.requestId === r.id,
    );
    expect(queued).toHaveLength(1);
    expect((await store.audit(r.id)).map((a) => a.toState)).toEqual(['requested', 'approved']);
  });

  it('grants a lease to one holder until it runs out', async () => {
    const r = request({ state: 'approved' });
    await store.create(r, 'U0ALICE');
    const grants = await Promise.all([
      store.lease(r.id, 'approved', T0, T0 + 60_000, 'host-a:3000#boot1'),
      store.lease(r.id, 'approved', T0, T0 + 60_000, 'host-a:3000#boot1'),
    ]);
    expect(grants.filter(Boolean)).toHaveLength(1);
    expect(await store.lease(r.id, 'approved', T0 + 30_000, T0 + 90_000, 'host-a:3000#boot1')).toBe(false);
    expect(await store.lease(r.id, 'approved', T0 + 61_000, T0 + 120_000, 'host-a:3000#boot1')).toBe(true);
    expect(await store.lease(r.id, 'requested', T0 + 200_000, T0 + 300_000, 'host-a:3000#boot1')).toBe(false);
  });

  it('lets a restarted instance take over its own earlier lease at once, and nobody else', async () => {
    const r = request({ state: 'approved' });
    await store.create(r, 'U0ALICE');
    expect(await store.lease(r.id, 'approved', T0, T0 + 60_000, 'host-a:3000#boot1')).toBe(true);
    expect(await store.lease(r.id, 'approved', T0 + 1, T0 + 60_000, 'host-b:3000#boot7')).toBe(false);
    expect(await store.lease(r.id, 'approved', T0 + 1, T0 + 60_000, 'host-a:3001#boot2')).toBe(false);
    expect(await store.lease(r.id, 'approved', T0 + 1, T0 + 60_000, 'host-a:3000#boot1')).toBe(false);
    expect(await store.lease(r.id, 'approved', T0 + 2, T0 + 60_000, 'host-a:3000#boot2')).toBe(true);
    expect((await store.get(r.id))?.leaseHolder).toBe('host-a:3000#boot2');
  });

  it('updates fields without touching the state, and finds requests by state', async () => {
    const r = request({ state: 'delivered' });
    await store.create(r, 'U0ALICE');
    await store.update(r.id, {
      postponedAt: T0 + 1,
      deactivateAfter: T0 + 5,
      approvalTs: '1717.0001',
      messageSynced: true,
    });
    expect(await store.get(r.id)).toMatchObject({
      state: 'delivered',
      postponedAt: T0 + 1,
      deactivateAfter: T0 + 5,
      approvalTs: '1717.0001',
      messageSynced: true,
    });
    expect((await store.inStates(['delivered'])).map((x) => x.id)).toContain(r.id);
  });

  it('keeps outbox messages until sent, retrying failures later', async () => {
    const id = await store.enqueue(
      { channel: 'U0ALICE', notice: { kind: 'key_delivered', requestId: 'r1' } },
      T0,
    );
    expect((await store.claimDue(T0, 10, 0)).map((m) => m.id)).toContain(id);
    await store.markFailed(id, 'ratelimited', T0 + 60_000);
    expect((await store.claimDue(T0 + 1000, 10, 0)).map((m) => m.id)).not.toContain(id);
    const due = await store.claimDue(T0 + 60_000, 10, 0);
    expect(due.find((m) => m.id === id)).toMatchObject({
      channel: 'U0ALICE',
      notice: { kind: 'key_delivered', requestId: 'r1' },
      attempts: 1,
    });
    await store.markSent(id, T0 + 61_000);
    expect((await store.claimDue(T0 + 999_999, 10, 0)).map((m) => m.id)).not.toContain(id);
  });

  it('claims outbox rows: concurrent flushers never get the same row; a dead claim runs out', async () => {
    const at = T0 + 5_000_000;
    const ids = new Set<string>();
    for (let i = 0; i < 30; i++)
      ids.add(
        await store.enqueue(
          { channel: 'U0CLAIM', notice: { kind: 'key_delivered', requestId: `c${i}` } },
          at,
        ),
      );
    const claims = await Promise.all(Array.from({ length: 8 }, () => store.claimDue(at, 10, 60_000)));
    const claimed = claims.flat().filter((m) => ids.has(m.id));
    expect(claimed).toHaveLength(30);
    expect(new Set(claimed.map((m) => m.id)).size).toBe(30);
    // Nobody marked them sent (the holder died): within the claim nothing is due, after it everything is again.
    expect((await store.claimDue(at + 59_000, 100, 60_000)).filter((m) => ids.has(m.id))).toEqual([]);
    expect((await store.claimDue(at + 60_000, 100, 60_000)).filter((m) => ids.has(m.id))).toHaveLength(30);
  });

  it('answers a ping', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
});
