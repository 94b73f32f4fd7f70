import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMessenger } from '../../../src/adapters/slack/messenger.js';
import { openSqlite } from '../../../src/adapters/store/db.js';
import { migrate } from '../../../src/adapters/store/migrations.js';
import { createOutboxStore } from '../../../src/adapters/store/outbox-store.js';
import { createDeliverer } from '../../../src/kernel/outbox/deliver.js';
import { plainly } from '../../../src/kernel/slack/notices.js';
import { createLogger } from '../../../src/logger.js';
import { FakeSlackWebApi } from '../../fakes/slack-web-api.js';

describe('the one deliverer, sending through the Slack messenger', () => {
  const fake = new FakeSlackWebApi();
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());

  const setup = async (client = new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl })) => {
    const db = openSqlite(':memory:');
    await migrate(db);
    const outbox = createOutboxStore(db, { wake: () => {} });
    const threads = new Map<string, string>();
    const start = Date.parse('2026-06-01T10:00:00Z');
    const clock = { at: start, now: () => new Date(clock.at) };
    const now = start;
    const deliverer = createDeliverer({
      outbox,
      send: createMessenger(client, {
        directory: { person: async () => undefined },
        threads: {
          threadTs: async (k) => threads.get(k),
          setThreadTs: async (k, ts) => void threads.set(k, ts),
        },
        renderers: {
          known: plainly(() => ({ text: 'a known notice', blocks: [] })),
          reply: async () => ({
            message: { text: 'in the thread', blocks: [] },
            thread: { key: 'flood-1', starts: false },
          }),
        },
      }),
      clock,
      logger: createLogger('silent'),
      holder: 'host:1#boot',
    });
    return { db, outbox, deliverer, now, clock };
  };

  it('keeps a notice of a kind it cannot show queued (a newer version queued it): nothing posted, no error lost', async () => {
    const { db, outbox, deliverer, now } = await setup();
    const before = fake.calls.length;
    await outbox.enqueue({ channel: 'U0ALICE', notice: { kind: 'from_a_newer_version' } }, now);
    await outbox.enqueue({ channel: 'U0BOB', notice: { kind: 'known' } }, now);
    expect(await deliverer.flush()).toEqual({ dmsSent: 1, dmsFailed: 1 });
    const posts = fake.calls.slice(before).filter((c) => c.method === 'chat.postMessage');
    expect(posts.map((c) => c.args.channel)).toEqual(['U0BOB']);
    const [row] = await db.all<{ sent_at: unknown; last_error: string; attempts: number }>(
      "SELECT sent_at, last_error, attempts FROM outbox WHERE channel = 'U0ALICE'",
    );
    expect(row).toMatchObject({ sent_at: null, last_error: 'unknown_notice' });
    expect(Number(row?.attempts)).toBe(1);
    await db.close();
  });

  it('holds a reply until its thread is posted', async () => {
    const { db, outbox, deliverer, now } = await setup();
    await outbox.enqueue({ channel: 'C0SECURITY', notice: { kind: 'reply' } }, now);
    expect(await deliverer.flush()).toEqual({ dmsSent: 0, dmsFailed: 1 });
    const [row] = await db.all<{ last_error: string }>('SELECT last_error FROM outbox');
    expect(row?.last_error).toBe('thread_pending');
    await db.close();
  });

  it('a 429 pauses the whole queue for its Retry-After: the rest wait untried, then all go', async () => {
    // A client that hands the 429 back at once (the bot's own waits a little first, then does the same).
    const impatient = new WebClient(fake.botToken, {
      slackApiUrl: fake.apiUrl,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
    });
    const { db, outbox, deliverer, now, clock } = await setup(impatient);
    for (const who of ['U0RATE1', 'U0RATE2', 'U0RATE3'])
      await outbox.enqueue({ channel: who, notice: { kind: 'known' } }, now);
    fake.rateLimit('chat.postMessage', 1, 30);
    const posts = () =>
      fake.calls.filter(
        (c) => c.method === 'chat.postMessage' && String(c.args.channel).startsWith('U0RATE'),
      );
    expect(await deliverer.flush()).toMatchObject({ dmsFailed: 1 });
    expect(posts()).toHaveLength(1);
    const rows = await db.all<{ attempts: number; next_at: number }>(
      "SELECT attempts, next_at FROM outbox WHERE channel LIKE 'U0RATE%' ORDER BY created_at",
    );
    expect(rows.map((r) => Number(r.attempts))).toEqual([1, 0, 0]);
    expect(rows.every((r) => Number(r.next_at) === now + 30_000)).toBe(true);
    // Within the pause nothing is tried, however often the deliverer is woken.
    clock.at = now + 29_000;
    await deliverer.flush();
    expect(posts()).toHaveLength(1);
    clock.at = now + 30_000;
    await deliverer.flush();
    expect(
      posts()
        .filter((c) => c.ok)
        .map((c) => c.args.channel)
        .sort(),
    ).toEqual(['U0RATE1', 'U0RATE2', 'U0RATE3']);
    await db.close();
  });
});
