/**
 * bench/ack: how fast the bot acknowledges a burst of `/aws-mfa` (and opens its modal), next to a bare Bolt app that
 * only acks and opens a modal — both in this process, alternated round by round, against the same fake Slack and the
 * same moto. Reports ack and views.open p50/p99 for each and the p99 ratio. Run on demand: `npm run bench -- ack`.
 * BENCH_BURST (default 50) commands at once, BENCH_ROUNDS (default 10) rounds each; a full run writes
 * bench/ack-results.md.
 */
import { writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { App, HTTPReceiver } from '@slack/bolt';
import { mockClient } from 'aws-sdk-client-mock';
import { expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { startBot } from '../src/main.js';
import { FakeSlackWebApi } from '../test/fakes/slack-web-api.js';
import { post, SIGNING_SECRET, slashCommand } from '../test/helpers/slack-requests.js';
import { freePort } from '../test/setup/moto-server.js';
import { startMoto } from './moto.js';

const BURST = Number(process.env.BENCH_BURST ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};

/** The baseline: Bolt's HTTP receiver, a command listener that acks and opens a modal, nothing else. */
async function bareBoltApp(fake: FakeSlackWebApi): Promise<{ url: string; stop(): Promise<void> }> {
  const receiver = new HTTPReceiver({ signingSecret: SIGNING_SECRET, endpoints: '/slack/events' });
  const app = new App({ token: fake.botToken, receiver, clientOptions: { slackApiUrl: fake.apiUrl } });
  app.command('/aws-mfa', async ({ ack, client, command }) => {
    await ack();
    await client.views.open({
      trigger_id: command.trigger_id,
      view: {
        type: 'modal',
        title: { type: 'plain_text', text: 'AWS MFA' },
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Checking your AWS account…' } }],
      },
    });
  });
  const server = (await app.start(0)) as Server;
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      await app.stop();
    },
  };
}

/** One burst: BURST people send `/aws-mfa` at once; per command, ms to the ack and to its views.open. */
async function burst(fake: FakeSlackWebApi, url: string, users: string[]) {
  const acks: number[] = [];
  const opens: number[] = [];
  await Promise.all(
    users.map(async (user) => {
      const triggerId = fake.issueTriggerId();
      const startedAt = Date.now();
      const started = performance.now();
      const res = await post(url, slashCommand({ user_id: user, trigger_id: triggerId }));
      acks.push(performance.now() - started);
      expect(res.status).toBe(200);
      await fake.waitFor(
        () => fake.callsTo('views.open').some((c) => c.args.trigger_id === triggerId),
        30_000,
      );
      const opened = fake.callsTo('views.open').find((c) => c.args.trigger_id === triggerId);
      opens.push((opened?.at ?? Date.now()) - startedAt);
    }),
  );
  return { acks, opens };
}

it('ack benchmark: the bot next to a bare Bolt app', async () => {
  const moto = await startMoto();
  const fake = new FakeSlackWebApi();
  await fake.start();
  const trail = mockClient(CloudTrailClient);
  trail.on(LookupEventsCommand).resolves({ Events: [] });
  process.env.AWS_ENDPOINT_URL = moto.url;
  process.env.AWS_ACCESS_KEY_ID = 'bench';
  process.env.AWS_SECRET_ACCESS_KEY = 'bench';
  process.env.AWS_REGION = 'ap-northeast-2';
  try {
    const iam = new IAMClient({});
    // Different people in every burst, so the bot reads AWS for each (no person asks twice within a minute).
    const people = Array.from(
      { length: BURST * (ROUNDS + 1) },
      (_, i) => `U0ACK${String(i).padStart(5, '0')}`,
    );
    const queue = [...people.entries()];
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let next = queue.shift(); next; next = queue.shift()) {
          const [i, id] = next;
          const userName = `ack-${i}`;
          fake.members.push({ id, name: userName, tz: 'UTC', profile: { email: `${userName}@example.com` } });
          await iam.send(
            new CreateUserCommand({ UserName: userName, Tags: [{ Key: 'SlackUserId', Value: id }] }),
          );
          await iam.send(new CreateAccessKeyCommand({ UserName: userName }));
        }
      }),
    );
    const group = (n: number) => people.slice(n * BURST, (n + 1) * BURST);
    const quiet = new Writable({ write: (_c, _e, done) => done() });
    const bot = await startBot(
      loadConfig({
        SLACK_BOT_TOKEN: fake.botToken,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: fake.apiUrl,
        PORT: String(await freePort()),
        DATABASE_URL: 'sqlite::memory:',
        APPROVAL_CHANNEL: 'C0APPROVALS',
        APPROVERS: 'U0APPROVER1',
      }),
      { logger: createLogger('info', quiet), schedule: false },
    );
    const bare = await bareBoltApp(fake);
    const targets = { bot: `http://127.0.0.1:${bot.port}`, bare: bare.url };
    const seen = {
      bot: { acks: [] as number[], opens: [] as number[] },
      bare: { acks: [] as number[], opens: [] as number[] },
    };
    // One warm-up burst each (JIT, connection pools), then rounds alternated so both see the same machine.
    await burst(fake, targets.bot, group(0));
    await burst(fake, targets.bare, group(0));
    for (let round = 0; round < ROUNDS; round++) {
      for (const which of round % 2 ? (['bare', 'bot'] as const) : (['bot', 'bare'] as const)) {
        const r = await burst(fake, targets[which], group(round + 1));
        seen[which].acks.push(...r.acks);
        seen[which].opens.push(...r.opens);
      }
    }
    await bot.stop();
    await bare.stop();
    iam.destroy();

    const row = (name: string, s: { acks: number[]; opens: number[] }) =>
      `| ${name} | ${percentile(s.acks, 50).toFixed(0)} ms | ${percentile(s.acks, 99).toFixed(0)} ms | ${percentile(s.opens, 50).toFixed(0)} ms | ${percentile(s.opens, 99).toFixed(0)} ms |`;
    const ratio = percentile(seen.bot.acks, 99) / percentile(seen.bare.acks, 99);
    const table = [
      `${BURST} concurrent \`/aws-mfa\`, ${ROUNDS} rounds each, alternated; Node ${process.version}.`,
      '',
      '| app | ack p50 | ack p99 | views.open p50 | views.open p99 |',
      '|---|---|---|---|---|',
      row('aws-mfa-bot', seen.bot),
      row('bare Bolt app', seen.bare),
      '',
      `ack p99 ratio (bot / bare): **${ratio.toFixed(2)}**`,
    ].join('\n');
    if (!process.env.BENCH_BURST && !process.env.BENCH_ROUNDS)
      writeFileSync('bench/ack-results.md', `${table}\n`);
    process.stdout.write(`\n${table}\n`);
  } finally {
    trail.restore();
    await fake.stop();
    await moto.stop();
  }
}, 1_800_000);
