import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../../src/adapters/store/db.js';
import { ping } from '../../../src/adapters/store/db.js';
import { migrate } from '../../../src/adapters/store/migrations.js';
import { createOutboxStore } from '../../../src/adapters/store/outbox-store.js';
import { createRotationStore } from '../../../src/adapters/store/rotation-store.js';
import type { RotationStore } from '../../../src/features/rotation/ports.js';
import type { OutboxStore } from '../../../src/kernel/outbox/ports.js';
import { request, T0 } from '../../fixtures/rotation.js';
import { DATABASES, pgUrl } from '../../helpers/databases.js';

if (!pgUrl) it.skip('PostgreSQL store suite (no PostgreSQL server)', () => {});

describe.each(DATABASES)('rotation store on $name', (database) => {
  let db: Db;
  let drop: () => Promise<void>;
  let store: RotationStore;
  let outbox: OutboxStore;
  let selects: string[];
  let wakes = 0;

  beforeAll(async () => {
    ({ db, drop } = await database.open());
    // Every SELECT on rotation_requests is counted: a decision reads its row once, not again after every write.
    selects = [];
    const counted = (d: Db): Db => ({
      ...d,
      all: (sql, params) => {
        if (/^\s*SELECT[\s\S]*FROM rotation_requests/i.test(sql)) selects.push(sql);
        return d.all(sql, params);
      },
      transaction: (fn) => d.transaction((tx) => fn(counted(tx))),
    });
    const wake = () => {
      wakes++;
    };
    store = createRotationStore(counted(db), { now: () => T0 + 1000, wake });
    outbox = createOutboxStore(db, { wake });
  });
  afterAll(() => drop());

  it('migrates once: a second run applies nothing', async () => {
    expect(await migrate(db)).toEqual([]);
  });

  it('creates and reads back a request with every field', async () => {
    const r = request({ privileged: true, requiredApprovals: 2, reason: '<!channel> 키 교체' });
    expect(await store.insert(r, 'U0ALICE')).toBe('created');
    expect(await store.get(r.id)).toEqual(r);
    expect(await store.get('nope')).toBeUndefined();
  });

  it('refuses a second open request for the same key, and allows one after the first closed', async () => {
    const first = request();
    expect(await store.insert(first, 'U0ALICE')).toBe('created');
    expect(await store.insert(request({ oldKeyId: first.oldKeyId }), 'U0ALICE')).toBe('duplicate');
    expect((await store.openRequestForKey(first.oldKeyId))?.id).toBe(first.id);
    expect(
      await store.transition(first.id, ['requested'], 'denied', { denyReason: 'no' }, 'U0BOB'),
    ).toMatchObject({ state: 'denied', denyReason: 'no' });
    expect(await store.insert(request({ oldKeyId: first.oldKeyId }), 'U0ALICE')).toBe('created');
  });

  it('moves a request only from the expected state, and audits each move', async () => {
    const r = request();
    await store.insert(r, 'U0ALICE');
    expect(
      await store.transition(r.id, ['requested'], 'approved', { decidedBy: 'U0BOB', decidedAt: T0 }, 'U0BOB'),
    ).toMatchObject({ state: 'approved', decidedBy: 'U0BOB' });
    expect(await store.transition(r.id, ['requested'], 'denied', {}, 'U0CAROL')).toBeUndefined();
    expect(await store.transition('missing', ['requested'], 'denied', {}, 'U0CAROL')).toBeUndefined();
    expect(await store.get(r.id)).toMatchObject({ state: 'approved', decidedBy: 'U0BOB', decidedAt: T0 });
    expect((await store.audit(r.id)).map((a) => [a.actor, a.fromState, a.toState])).toEqual([
      ['U0ALICE', undefined, 'requested'],
      ['U0BOB', 'requested', 'approved'],
    ]);
  });

  it('queues notices in the same transaction as the move, and none when the move loses', async () => {
    const r = request();
    await store.insert(r, 'U0ALICE');
    const notify = [{ channel: 'U0ALICE', notice: { kind: 'request_decided' as const, requestId: r.id } }];
    const woken = wakes;
    expect(
      await store.transition(r.id, ['requested'], 'denied', {}, 'U0BOB', { detail: 'no', notify }),
    ).toBeDefined();
    expect(wakes).toBe(woken + 1);
    expect(await store.transition(r.id, ['requested'], 'denied', {}, 'U0BOB', { notify })).toBeUndefined();
    expect(wakes).toBe(woken + 1);
    const queued = (await outbox.claimDue(T0 + 10_000, 100, 0, 'h:1#b')).filter(
      (m) => m.notice.requestId === r.id,
    );
    expect(queued).toHaveLength(1);
    expect((await store.audit(r.id)).at(-1)).toMatchObject({ toState: 'denied', detail: 'no' });
  });

  it('lets exactly one of many concurrent transitions win', async () => {
    const r = request();
    await store.insert(r, 'U0ALICE');
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
    await store.insert(r, 'U0ALICE');
    await expect(store.transition(r.id, ['delivered'], 'approved', {}, 'U0BUG')).rejects.toThrow(
      'delivered → approved is not an allowed transition',
    );
    expect((await store.get(r.id))?.state).toBe('delivered');
    expect((await store.audit(r.id)).map((a) => a.toState)).toEqual(['delivered']);
  });

  const noMove = () => undefined;
  /** Approved once `n` approvers have approved: the move a decision hands the table. */
  const approvedAt =
    (n: number, notify: { channel: string; notice: { kind: string; requestId: string } }[] = []) =>
    (all: readonly string[]) =>
      all.length >= n
        ? {
            from: ['requested' as const],
            to: 'approved' as const,
            patch: { decidedBy: all.join(',') },
            notify,
          }
        : undefined;

  it('records each approver once', async () => {
    const r = request();
    await store.insert(r, 'U0ALICE');
    await Promise.all([
      store.approve(r.id, 'U0BOB', T0, noMove),
      store.approve(r.id, 'U0BOB', T0 + 1, noMove),
      store.approve(r.id, 'U0CAROL', T0 + 2, noMove),
    ]);
    expect(await store.approvals(r.id)).toEqual(['U0BOB', 'U0CAROL']);
  });

  it('an approval reads its request at most twice, and hands back the row it wrote', async () => {
    const r = request({ requiredApprovals: 1 });
    await store.insert(r, 'U0ALICE');
    selects.length = 0;
    const result = await store.approve(r.id, 'U0BOB', T0, approvedAt(1));
    expect(result).toMatchObject({ approvals: ['U0BOB'], moved: true, row: { id: r.id, state: 'approved' } });
    expect(selects.length).toBeLessThanOrEqual(2);
  });

  it('two approvers at once on a request that needs two: it moves (neither counts only itself)', async () => {
    for (let round = 0; round < 10; round++) {
      const r = request({ requiredApprovals: 2 });
      await store.insert(r, 'U0ALICE');
      await Promise.all([
        store.approve(r.id, 'U0BOB', T0, approvedAt(2)),
        store.approve(r.id, 'U0CAROL', T0, approvedAt(2)),
      ]);
      expect((await store.get(r.id))?.state).toBe('approved');
    }
  });

  it('records the approval and the move it completes in one transaction: 20 at once move it once', async () => {
    const r = request({ requiredApprovals: 2 });
    await store.insert(r, 'U0ALICE');
    const decide = approvedAt(2, [
      { channel: 'U0ALICE', notice: { kind: 'request_decided', requestId: r.id } },
    ]);
    const first = await store.approve(r.id, 'U0BOB', T0, decide);
    expect(first).toMatchObject({ approvals: ['U0BOB'], moved: false });
    const crowd = await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.approve(r.id, `U0CROWD${i}`, T0 + 1 + i, decide)),
    );
    expect(crowd.filter((c) => c.moved)).toHaveLength(1);
    expect((await store.get(r.id))?.state).toBe('approved');
    const queued = (await outbox.claimDue(T0 + 10_000_000, 1000, 0, 'h:1#b')).filter(
      (m) => m.notice.requestId === r.id,
    );
    expect(queued).toHaveLength(1);
    expect((await store.audit(r.id)).map((a) => a.toState)).toEqual(['requested', 'approved']);
  });

  it('grants a lease to one holder until it runs out', async () => {
    const r = request({ state: 'approved' });
    await store.insert(r, 'U0ALICE');
    const grants = await Promise.all([
      store.lease(r.id, 'approved', T0, T0 + 60_000, 'host-a:3000#boot1'),
      store.lease(r.id, 'approved', T0, T0 + 60_000, 'host-a:3000#boot1'),
    ]);
    expect(grants.filter(Boolean)).toHaveLength(1);
    expect(
      await store.lease(r.id, 'approved', T0 + 30_000, T0 + 90_000, 'host-a:3000#boot1'),
    ).toBeUndefined();
    expect(await store.lease(r.id, 'approved', T0 + 61_000, T0 + 120_000, 'host-a:3000#boot1')).toMatchObject(
      {
        id: r.id,
        leaseHolder: 'host-a:3000#boot1',
      },
    );
    expect(
      await store.lease(r.id, 'requested', T0 + 200_000, T0 + 300_000, 'host-a:3000#boot1'),
    ).toBeUndefined();
  });

  it('lets a restarted instance take over its own earlier lease at once, and nobody else', async () => {
    const r = request({ state: 'approved' });
    await store.insert(r, 'U0ALICE');
    expect(await store.lease(r.id, 'approved', T0, T0 + 60_000, 'host-a:3000#boot1')).toBeDefined();
    expect(await store.lease(r.id, 'approved', T0 + 1, T0 + 60_000, 'host-b:3000#boot7')).toBeUndefined();
    expect(await store.lease(r.id, 'approved', T0 + 1, T0 + 60_000, 'host-a:3001#boot2')).toBeUndefined();
    expect(await store.lease(r.id, 'approved', T0 + 1, T0 + 60_000, 'host-a:3000#boot1')).toBeUndefined();
    expect(await store.lease(r.id, 'approved', T0 + 2, T0 + 60_000, 'host-a:3000#boot2')).toBeDefined();
    expect((await store.get(r.id))?.leaseHolder).toBe('host-a:3000#boot2');
  });

  it('gives back every lease of a holder on release, and only its', async () => {
    const mine = request({ state: 'approved' });
    const theirs = request({ state: 'approved' });
    await store.insert(mine, 'U0ALICE');
    await store.insert(theirs, 'U0ALICE');
    await store.lease(mine.id, 'approved', T0, T0 + 60_000, 'host-a:3000#boot1');
    await store.lease(theirs.id, 'approved', T0, T0 + 60_000, 'host-b:3000#boot1');
    await store.release('host-a:3000#boot1');
    expect((await store.get(mine.id))?.leaseHolder).toBeUndefined();
    expect((await store.get(theirs.id))?.leaseHolder).toBe('host-b:3000#boot1');
  });

  it('updates fields without touching the state, and finds requests by state', async () => {
    const r = request({ state: 'delivered' });
    await store.insert(r, 'U0ALICE');
    await store.update(r.id, { postponedAt: T0 + 1, deactivateAfter: T0 + 5, approvalTs: '1717.0001' });
    expect(await store.get(r.id)).toMatchObject({
      state: 'delivered',
      postponedAt: T0 + 1,
      deactivateAfter: T0 + 5,
      approvalTs: '1717.0001',
    });
    expect((await store.inStates(['delivered'])).map((x) => x.id)).toContain(r.id);
  });

  it('keeps outbox messages until sent, retrying failures later', async () => {
    const id = await outbox.enqueue(
      { channel: 'U0ALICE', notice: { kind: 'key_delivered', requestId: 'r1' } },
      T0,
    );
    expect((await outbox.claimDue(T0, 10, 0, 'h:1#b')).map((m) => m.id)).toContain(id);
    await outbox.markFailed(id, 'ratelimited', T0 + 60_000);
    expect((await outbox.claimDue(T0 + 1000, 10, 0, 'h:1#b')).map((m) => m.id)).not.toContain(id);
    const due = await outbox.claimDue(T0 + 60_000, 10, 0, 'h:1#b');
    expect(due.find((m) => m.id === id)).toMatchObject({
      channel: 'U0ALICE',
      notice: { kind: 'key_delivered', requestId: 'r1' },
      attempts: 1,
    });
    await outbox.markSent(id, T0 + 61_000);
    expect((await outbox.claimDue(T0 + 999_999, 10, 0, 'h:1#b')).map((m) => m.id)).not.toContain(id);
  });

  it('claims outbox rows: concurrent flushers never get the same row; a dead claim runs out', async () => {
    const at = T0 + 5_000_000;
    const ids = new Set<string>();
    for (let i = 0; i < 30; i++)
      ids.add(
        await outbox.enqueue(
          { channel: 'U0CLAIM', notice: { kind: 'key_delivered', requestId: `c${i}` } },
          at,
        ),
      );
    const claims = await Promise.all(
      Array.from({ length: 8 }, (_, i) => outbox.claimDue(at, 10, 60_000, `host-${i}:3000#boot1`)),
    );
    const claimed = claims.flat().filter((m) => ids.has(m.id));
    expect(claimed).toHaveLength(30);
    expect(new Set(claimed.map((m) => m.id)).size).toBe(30);
    // Nobody marked them sent (the holders died): within the claim nothing is due, after it everything is again.
    expect(
      (await outbox.claimDue(at + 59_000, 100, 60_000, 'host-x:3000#boot1')).filter((m) => ids.has(m.id)),
    ).toEqual([]);
    expect(
      (await outbox.claimDue(at + 60_000, 100, 60_000, 'host-x:3000#boot1')).filter((m) => ids.has(m.id)),
    ).toHaveLength(30);
  });

  it("takes over at once the outbox claims of this instance's dead boot, never another instance's", async () => {
    const at = T0 + 9_000_000;
    const id = await outbox.enqueue(
      { channel: 'U0TAKE', notice: { kind: 'key_delivered', requestId: 't1' } },
      at,
    );
    expect((await outbox.claimDue(at, 1000, 60_000, 'host-a:3000#boot1')).map((m) => m.id)).toContain(id);
    expect((await outbox.claimDue(at + 1, 1000, 60_000, 'host-b:3000#boot9')).map((m) => m.id)).not.toContain(
      id,
    );
    expect((await outbox.claimDue(at + 1, 1000, 60_000, 'host-a:3000#boot1')).map((m) => m.id)).not.toContain(
      id,
    );
    expect((await outbox.claimDue(at + 2, 1000, 60_000, 'host-a:3000#boot2')).map((m) => m.id)).toContain(id);
    await outbox.release('host-a:3000#boot2');
    expect((await outbox.claimDue(at + 3, 1000, 60_000, 'host-b:3000#boot9')).map((m) => m.id)).toContain(id);
  });

  it('answers a ping', async () => {
    await expect(ping(db)).resolves.toBeUndefined();
  });
});
