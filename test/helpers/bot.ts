import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { type CloudTrailClient, LookupEventsCommand } from '@aws-sdk/client-cloudtrail';
import { CreateUserCommand, IAMClient } from '@aws-sdk/client-iam';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { afterEach, beforeEach } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { OWNER_CONFIRMED_TAG } from '../../src/kernel/domain/identity.js';
import { VIEW } from '../../src/kernel/slack/action-ids.js';
import { createLogger } from '../../src/logger.js';
import { type RunningBot, startBot } from '../../src/main.js';
import { FakeSlackWebApi } from '../fakes/slack-web-api.js';
import { freePort } from '../setup/moto-server.js';
import { enableVirtualMfa, motoUrl, useMotoEnvironment } from './aws.js';
import { recordForLeakScan } from './leaks.js';
import {
  buttonClick,
  interaction,
  post,
  SIGNING_SECRET,
  slashCommand,
  viewSubmission,
} from './slack-requests.js';

export interface TestBot {
  readonly fake: FakeSlackWebApi;
  readonly bot: RunningBot;
  readonly baseUrl: string;
  /** Every log line the bot wrote, parsed. */
  readonly logs: Record<string, unknown>[];
  readonly iam: IAMClient;
  /** An engineer: an IAM user mapped to a Slack member through the SlackUserId tag. */
  engineer(options?: {
    locale?: string;
    mfa?: boolean;
    mapped?: boolean;
    tz?: string;
    /** Also tagged `aws-mfa-bot:owner-confirmed`: for a person with IAM users in several accounts. */
    confirmed?: boolean;
  }): Promise<Engineer>;
  enableMfa(userName: string): Promise<string>;
  /**
   * `userId` clicks a button on a message in `channelId` (an approval message, a DM). Resolves once posted;
   * `path` is the response_url path the bot's answer (ephemeral text) will arrive on.
   */
  clickMessageButton(
    userId: string,
    channelId: string,
    actionId: string,
    value: string,
  ): { sent: Promise<{ status: number; text: string }>; path: string };
  stop(): Promise<void>;
}

export interface Engineer {
  readonly slackUserId: string;
  readonly userName: string;
}

/** A bot's HTTP endpoint and the fake Slack it talks to: what the request helpers need, in or out of process. */
export interface SlackTarget {
  readonly baseUrl: string;
  readonly fake: FakeSlackWebApi;
}

/**
 * `userId` clicks a button on a message in `channelId` of the bot at `target`. Resolves once posted; `path` is the
 * response_url path the bot's answer (ephemeral text) will arrive on.
 */
export function clickMessageButtonOn(
  target: SlackTarget,
  userId: string,
  channelId: string,
  actionId: string,
  value: string,
): { sent: Promise<{ status: number; text: string }>; path: string } {
  const responseUrl = target.fake.responseUrl();
  const sent = post(
    target.baseUrl,
    interaction({
      type: 'block_actions',
      team: { id: 'T0FAKE' },
      user: { id: userId },
      api_app_id: 'A0FAKE',
      trigger_id: target.fake.issueTriggerId(),
      container: { type: 'message', channel_id: channelId, message_ts: '1.000100' },
      channel: { id: channelId },
      message: { ts: '1.000100', text: 'message' },
      response_url: responseUrl,
      actions: [{ type: 'button', action_id: actionId, value, block_id: 'b', action_ts: '1' }],
    }),
  );
  return { sent, path: new URL(responseUrl).pathname };
}

/** The real bot (startBot) in HTTP mode on a free port, AWS on moto, Slack's Web API faked. */
export async function startTestBot(
  env: Record<string, string> = {},
  options: { awsEndpoint?: string; socketMode?: boolean; clock?: { now(): Date } } = {},
): Promise<TestBot> {
  useMotoEnvironment();
  // The bot's AWS clients use AWS_ENDPOINT_URL (moto, or a slow proxy in front of it); the test's own admin client
  // always talks to moto directly.
  if (options.awsEndpoint) process.env.AWS_ENDPOINT_URL = options.awsEndpoint;
  const fake = new FakeSlackWebApi();
  const appToken = options.socketMode ? fake.enableSocketMode() : undefined;
  await fake.start();
  // PORT is 1-65535, as an operator sets it: a free one is picked here.
  const port = String(await freePort());
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n'))
        if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const config = loadConfig({
    SLACK_BOT_TOKEN: fake.botToken,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: fake.apiUrl,
    PORT: port,
    ...(appToken ? { SLACK_APP_TOKEN: appToken } : {}),
    LOG_LEVEL: 'debug',
    DATABASE_URL: 'sqlite::memory:',
    APPROVAL_CHANNEL: 'C0APPROVALS',
    APPROVERS: 'U0APPROVER1,S0APPROVERS',
    ...env,
  });
  const bot = await startBot(config, {
    logger: createLogger('debug', sink),
    schedule: false,
    ...(options.clock ? { clock: options.clock } : {}),
  });
  const iam = new IAMClient({ endpoint: motoUrl });

  const enableMfa = (userName: string) => enableVirtualMfa(iam, userName);

  const clickMessageButton = (userId: string, channelId: string, actionId: string, value: string) =>
    clickMessageButtonOn(
      { baseUrl: `http://127.0.0.1:${bot.port}`, fake },
      userId,
      channelId,
      actionId,
      value,
    );

  return {
    fake,
    bot,
    clickMessageButton,
    baseUrl: `http://127.0.0.1:${bot.port}`,
    logs,
    iam,
    enableMfa,
    async engineer({ locale = 'en-US', mfa = false, mapped = true, tz = 'UTC', confirmed = false } = {}) {
      const suffix = randomUUID().replace(/-/g, '').slice(0, 8).toUpperCase();
      const slackUserId = `U0${suffix}`;
      const userName = `eng-${suffix.toLowerCase()}`;
      fake.members.push({
        id: slackUserId,
        name: userName,
        locale,
        tz,
        profile: { email: `${userName}@example.com` },
      });
      await iam.send(
        new CreateUserCommand({
          UserName: userName,
          Tags: [
            ...(mapped ? [{ Key: 'SlackUserId', Value: slackUserId }] : []),
            ...(confirmed ? [{ Key: OWNER_CONFIRMED_TAG, Value: slackUserId }] : []),
          ],
        }),
      );
      if (mfa) await enableMfa(userName);
      return { slackUserId, userName };
    },
    async stop() {
      recordForLeakScan('bot', { calls: fake.calls, responses: fake.responses, logs });
      await bot.stop();
      await fake.stop();
      iam.destroy();
    },
  };
}

/** `/aws-mfa` by `who`: the checklist modal once it is filled (the next successful views.update), with its ID. */
export async function openChecklistView(
  t: TestBot,
  who: Engineer,
): Promise<{
  viewId: string;
  view: { blocks: { type?: string; text?: { text?: string } }[] } & Record<string, unknown>;
}> {
  const before = t.fake.callsTo('views.update').filter((c) => c.ok).length;
  await post(
    t.baseUrl,
    slashCommand({
      user_id: who.slackUserId,
      trigger_id: t.fake.issueTriggerId(),
      response_url: t.fake.responseUrl(),
    }),
  );
  await t.fake.waitFor(() => t.fake.callsTo('views.update').filter((c) => c.ok).length > before);
  const update = t.fake.callsTo('views.update').at(-1);
  return { viewId: String(update?.args.view_id), view: update?.args.view as never };
}

/** A bot's clock in a test: `advance` moves it; `useTestBot` puts it back before each test. */
export interface TestClock {
  now(): Date;
  advance(ms: number): void;
  reset(): void;
}

/**
 * Frozen at `start` (a date; `'now'`: the moment of each reset), or, without it, real time moved by what was
 * advanced.
 */
export function testClock(start?: Date | string | number | 'now'): TestClock {
  const base = () =>
    start === undefined ? Date.now() : start === 'now' ? frozenAt : new Date(start).getTime();
  let frozenAt = Date.now();
  let offset = 0;
  return {
    now: () => new Date(base() + offset),
    advance(ms) {
      offset += ms;
    },
    reset() {
      frozenAt = Date.now();
      offset = 0;
    },
  };
}

/**
 * A fresh bot for every test of the enclosing `describe`: before each, the clock is put back, the CloudTrail mock is
 * reset to "no events" (a test sets its own answers after that), and the bot starts; after each, it stops (after the
 * test's own `afterEach`, which runs first). `beforeEach` hooks registered after this call see the started bot.
 * The returned object is the current test's bot; `restart(env)` replaces it, mid-test, by one started with `env` in place
 * of the options' own.
 */
export function useTestBot(
  options: {
    env?: Record<string, string> | (() => Promise<Record<string, string>>);
    clock?: TestClock;
    /** Where the bot's AWS clients go (a proxy in front of moto, started in `beforeAll`). */
    awsEndpoint?: () => string;
    trail?: AwsClientStub<CloudTrailClient>;
  } = {},
): TestBot & { restart(env: Record<string, string>): Promise<void> } {
  let current: TestBot | undefined;
  const start = (env: Record<string, string>) =>
    startTestBot(env, {
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.awsEndpoint ? { awsEndpoint: options.awsEndpoint() } : {}),
    });
  const restart = async (env: Record<string, string>) => {
    await current?.stop();
    current = await start(env);
  };
  beforeEach(async () => {
    options.clock?.reset();
    if (options.trail) {
      options.trail.reset();
      options.trail.on(LookupEventsCommand).resolves({ Events: [] });
    }
    current = await start(typeof options.env === 'function' ? await options.env() : (options.env ?? {}));
  });
  afterEach(async () => {
    const stopping = current;
    current = undefined;
    await stopping?.stop();
  });
  return new Proxy({} as TestBot & { restart: typeof restart }, {
    get(_target, key) {
      if (key === 'restart') return restart;
      if (!current)
        throw new Error('useTestBot(): the bot exists only inside a test (or a hook after this call)');
      const value = current[key as keyof TestBot];
      return typeof value === 'function' ? value.bind(current) : value;
    },
  });
}

/** `userId` clicks a button in the modal `viewId` (a step's own button on the checklist). */
export function clickInModal(
  t: SlackTarget,
  userId: string,
  viewId: string,
  actionId: string,
  value?: string,
) {
  return post(
    t.baseUrl,
    buttonClick(userId, t.fake.issueTriggerId(), { id: viewId, type: 'modal' }, actionId, value),
  );
}

/** `userId` confirms switching `keyId` off (the retire modal's submit); resolves once the bot has answered them by DM. */
export async function confirmRetire(t: SlackTarget, userId: string, keyId: string): Promise<void> {
  const before = t.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === userId).length;
  await post(t.baseUrl, viewSubmission(userId, t.fake.issueTriggerId(), VIEW.retireConfirm, keyId));
  await t.fake.waitFor(
    () => t.fake.callsTo('chat.postMessage').filter((c) => c.args.channel === userId).length > before,
  );
}
