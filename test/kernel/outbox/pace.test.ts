import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { openSqlite } from '../../../src/adapters/store/db.js';
import { migrate } from '../../../src/adapters/store/migrations.js';
import { createOutboxStore } from '../../../src/adapters/store/outbox-store.js';
import { createDeliverer } from '../../../src/kernel/outbox/deliver.js';
import { createLogger } from '../../../src/logger.js';

describe("the deliverer keeps Slack's pace", () => {
  it('a conversation gets at most one message a second; other conversations do not wait for it', async () => {
    const db = openSqlite(':memory:');
    await migrate(db);
    const outbox = createOutboxStore(db, { wake: () => {} });
    let realNow = 1_000_000;
    const slept: number[] = [];
    const sent: { channel: string; at: number }[] = [];
    const deliverer = createDeliverer({
      outbox,
      send: async (m) => {
        sent.push({ channel: m.channel, at: realNow });
        realNow += 50; // Slack answers in 50 ms
      },
      clock: { now: () => new Date(0) },
      logger: createLogger('silent', new Writable({ write: (_c, _e, done) => done() })),
      holder: 'test#boot',
      pace: {
        perConversationMs: 1_000,
        now: () => realNow,
        sleep: async (ms) => {
          slept.push(ms);
          realNow += ms;
        },
      },
    });
    for (const channel of ['C0SECURITY', 'U0ALICE', 'C0SECURITY', 'C0SECURITY', 'U0BOB'])
      await outbox.enqueue({ channel, notice: { kind: 'digest' } as never }, 0);

    const report = await deliverer.flush();
    expect(report.dmsSent).toBe(5);
    const security = sent.filter((s) => s.channel === 'C0SECURITY').map((s) => s.at);
    expect(security).toHaveLength(3);
    for (let i = 1; i < security.length; i++)
      expect((security[i] ?? 0) - (security[i - 1] ?? 0)).toBeGreaterThanOrEqual(1_000);
    // The others went while the security channel waited out its second; its messages kept their order.
    expect(sent.map((s) => s.channel)).toEqual([
      'C0SECURITY',
      'U0ALICE',
      'U0BOB',
      'C0SECURITY',
      'C0SECURITY',
    ]);
    expect(slept.length).toBe(2);
    for (const ms of slept) expect(ms).toBeLessThanOrEqual(1_000);
  });

  it('a run paced over minutes claims each batch as of its own time, so no claim has run out before it is sent', async () => {
    const db = openSqlite(':memory:');
    await migrate(db);
    const store = createOutboxStore(db, { wake: () => {} });
    let now = Date.parse('2026-06-01T10:00:00Z');
    const claims: number[] = [];
    const outbox = {
      ...store,
      claimDue: (at: number, limit: number, claimMs: number, holder: string) => {
        claims.push(at);
        return store.claimDue(at, limit, claimMs, holder);
      },
    };
    const deliverer = createDeliverer({
      outbox,
      // Each message to the one channel takes Slack's second, and the bot's clock goes with it.
      send: async () => {
        now += 1_000;
      },
      clock: { now: () => new Date(now) },
      logger: createLogger('silent', new Writable({ write: (_c, _e, done) => done() })),
      holder: 'test#boot',
    });
    for (let i = 0; i < 120; i++)
      await store.enqueue({ channel: 'C0SECURITY', notice: { kind: 'digest' } as never }, now);
    expect((await deliverer.flush()).dmsSent).toBe(120);
    // Three batches (50, 50, 20) and the empty look: each claimed when it was taken, 50 s apart.
    expect(claims.slice(0, 3).map((at) => (at - (claims[0] as number)) / 1000)).toEqual([0, 50, 100]);
  });
});
