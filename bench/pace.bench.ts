/**
 * bench/pace: the one deliverer against the fake Web API enforcing Slack's limits for chat.postMessage — one message a
 * second per conversation (documented) and a workspace-wide budget (kept by Slack, not published: BENCH_PACE_LIMIT a
 * minute, default 300) — with N queued DMs to N people and 20 posts to one channel. Reports messages a minute, the 429s
 * Slack answered, the spacing of the channel's posts, and the time N = 5,000 would need at that rate. Run on demand:
 * `npm run bench -- pace` (BENCH_PACE_PEOPLE, default 600); a full run writes bench/pace-results.md.
 */
import { WebClient } from '@slack/web-api';
import { expect, it } from 'vitest';
import { openSqlite } from '../src/adapters/store/db.js';
import { migrate } from '../src/adapters/store/migrations.js';
import { createOutboxStore } from '../src/adapters/store/outbox-store.js';
import { createDeliverer, slackPace } from '../src/kernel/outbox/deliver.js';
import { createLogger } from '../src/logger.js';
import { DELIVERY_CLIENT } from '../src/wiring/platform.js';
import { FakeSlackWebApi } from '../test/fakes/slack-web-api.js';
import { writeTable } from './moto.js';

const PEOPLE = Number(process.env.BENCH_PACE_PEOPLE ?? 600);
const LIMIT = Number(process.env.BENCH_PACE_LIMIT ?? 300);
const CHANNEL_POSTS = 20;

it('delivery at Slack pace', async () => {
  const fake = new FakeSlackWebApi();
  await fake.start();
  fake.enforcePostPace(1_000);
  fake.enforceWorkspacePosts(LIMIT);
  const db = openSqlite(':memory:');
  await migrate(db);
  const outbox = createOutboxStore(db, { wake: () => {} });
  const at = Date.now();
  for (let i = 0; i < PEOPLE; i++) {
    await outbox.enqueue({ channel: `U0PACE${i}`, notice: { kind: 'bench' } }, at);
    if (i % Math.floor(PEOPLE / CHANNEL_POSTS) === 0)
      await outbox.enqueue({ channel: 'C0SECURITY', notice: { kind: 'bench' } }, at);
  }
  const client = new WebClient(fake.botToken, { slackApiUrl: fake.apiUrl, ...DELIVERY_CLIENT });
  const deliverer = createDeliverer({
    outbox,
    send: async (m) => {
      await client.chat.postMessage({ channel: m.channel, text: 'bench' });
    },
    clock: { now: () => new Date() },
    logger: createLogger('silent'),
    holder: 'bench:1#boot',
    pace: slackPace,
  });
  const total = PEOPLE + CHANNEL_POSTS;
  const started = Date.now();
  const sent = () => fake.callsTo('chat.postMessage').filter((c) => c.ok).length;
  while (sent() < total) {
    await deliverer.flush();
    if (sent() < total) await new Promise((r) => setTimeout(r, 250));
    expect(Date.now() - started, 'delivery stalled').toBeLessThan(30 * 60_000);
  }
  const minutes = (Date.now() - started) / 60_000;
  const perMinute = total / minutes;
  const posts = fake.callsTo('chat.postMessage');
  const refused = posts.filter((c) => !c.ok).length;
  const channel = posts.filter((c) => c.ok && c.args.channel === 'C0SECURITY').map((c) => c.at);
  const gaps = channel.slice(1).map((t, i) => t - (channel[i] as number));
  const toEveryone = 5_000 / perMinute;
  await fake.stop();
  await db.close();
  expect(new Set(posts.filter((c) => c.ok).map((c) => c.args.channel)).size).toBe(PEOPLE + 1);
  writeTable(
    '| queued (people + channel posts) | workspace budget (assumed) | wall time | messages a minute | 429s answered | closest posts to one channel | 5,000 people at this rate |',
    [
      `| ${PEOPLE.toLocaleString('en')} + ${CHANNEL_POSTS} | ${LIMIT} a minute | ${minutes.toFixed(1)} min | ${Math.round(perMinute)} | ${refused} | ${(Math.min(...gaps) / 1000).toFixed(2)} s | ${toEveryone.toFixed(1)} min |`,
    ],
    'bench/pace-results.md',
    process.env.BENCH_PACE_PEOPLE === undefined && process.env.BENCH_PACE_LIMIT === undefined,
  );
});
