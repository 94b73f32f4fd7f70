import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { STSClient } from '@aws-sdk/client-sts';
import { WebClient } from '@slack/web-api';
import { createAccountPorts } from '../adapters/aws/account-ports.js';
import { createAccounts } from '../adapters/aws/accounts.js';
import { instrumentClient } from '../adapters/aws/instrument.js';
import { createSlackDirectory } from '../adapters/slack/directory.js';
import { timedFetch } from '../adapters/slack/timed-fetch.js';
import { type Db, openDatabase } from '../adapters/store/db.js';
import { inspectDatabase, migrate } from '../adapters/store/migrations.js';
import { createStores, type Stores } from '../adapters/store/stores.js';
import type { Config } from '../config.js';
import { operatorSentence, SchemaTooNewError, StartupError } from '../errors.js';
import type { Clock } from '../kernel/domain/types.js';
import { createLogger, type Logger, toSlackLogger } from '../logger.js';
import { createMetrics, type Metrics } from '../metrics.js';

export const systemClock: Clock = { now: () => new Date() };
/** This boot of this process: a new one after every restart. */
const bootId = randomUUID().slice(0, 8);

export interface PlatformOptions {
  readonly logger?: Logger;
  readonly clock?: Clock;
  /**
   * Only look (dry runs, listings): the database is opened read-only and never created or migrated; with none yet (or
   * an empty one), an empty one in memory stands in. Nothing is delivered.
   */
  readonly lookOnly?: boolean;
  /** A replica (`start`): the same instance after a restart, so it takes over its dead boot's claims at once. */
  readonly replica?: boolean;
}

/**
 * Who holds the leases and claims a process takes. A replica (`start` on a fixed PORT) is the same instance after a
 * restart — host and port are unique per running process — so it takes over its dead boot's leases at once. Anything
 * else (`jobs`, `scan`, PORT 0) is an instance of its own, so two of them never take over each other's work.
 */
function holderFor(config: Config, replica: boolean): string {
  const instance =
    replica && config.port > 0 ? `${hostname()}:${config.port}` : `${hostname()}:pid${process.pid}`;
  return `${instance}#${bootId}`;
}

/** The region the SDK resolved (AWS_REGION, AWS_PROFILE's region …): used for CloudTrail and in users' commands. */
async function resolveRegion(sts: STSClient): Promise<string> {
  try {
    const region = await sts.config.region();
    if (region) return region;
  } catch {
    // reported below
  }
  throw new StartupError(
    'No AWS region is configured: set AWS_REGION (for example ap-northeast-2) or a region in the AWS profile you use.',
  );
}

async function openStore(databaseUrl: string): Promise<Db> {
  try {
    const db = openDatabase(databaseUrl);
    await migrate(db);
    return db;
  } catch (error) {
    throw new StartupError(
      operatorSentence(error) ??
        `The database at DATABASE_URL could not be opened or migrated (${(error as Error).message}): check the URL, that the server is up and that the directory is writable.`,
      { cause: error },
    );
  }
}

/**
 * For what only looks: the database as it is, read-only. None yet, or an empty one: an empty one in memory stands
 * in (`none`), so a dry run on a new install says what it would do. Half-migrated or newer: refused (migrating would
 * change it).
 */
export async function openForLooking(databaseUrl: string): Promise<{ db: Db; none: boolean }> {
  const state = await inspectDatabase(databaseUrl).catch((error: unknown) => {
    throw new StartupError(
      operatorSentence(error) ??
        `The database at DATABASE_URL could not be read (${(error as Error).message}): check the URL and that the server is up.`,
      { cause: error },
    );
  });
  if (state.kind === 'ready') return { db: state.db, none: false };
  if (state.kind !== 'missing') await state.db.close();
  if (state.kind === 'missing' || (state.kind === 'pending' && state.pending.includes(1)))
    return { db: await openStore('sqlite::memory:'), none: true };
  throw state.kind === 'newer'
    ? new StartupError(new SchemaTooNewError(state.newest, state.known).message)
    : new StartupError(
        `The database misses migrations ${state.pending.join(', ')}, and looking does not migrate it: run \`aws-mfa-bot start\` (or \`jobs\`) of this version once.`,
      );
}

/** How long one Web API call of the deliverer may take (headers and body) before it counts as failed. */
export const DELIVERY_CALL_MS = 15_000;

/**
 * How the deliverer's Web API client retries and times out (the benchmarks use the same): the time limit is
 * `timedFetch`'s, released with each answer, not the client's `timeout` (which holds every call for its full term).
 */
export const DELIVERY_CLIENT = {
  retryConfig: { retries: 2, factor: 2, minTimeout: 1_000, maxTimeout: 5_000 },
  fetch: timedFetch(DELIVERY_CALL_MS),
} as const;

/**
 * What every command runs on: configuration turned into a logger, a clock, the database and its stores, the AWS
 * ports of every account, Slack clients and metrics. No feature is wired here (see features.ts).
 */
export async function openPlatform(config: Config, options: PlatformOptions = {}) {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const sts = new STSClient({});
  const region = await resolveRegion(sts);
  const opened = options.lookOnly
    ? await openForLooking(config.databaseUrl)
    : { db: await openStore(config.databaseUrl), none: false };
  const { db } = opened;

  // Whatever queues a notice wakes the one deliverer after its transaction commits (bound once it exists). Looking
  // delivers nothing.
  let wake = () => {};
  const stores: Stores = createStores(db, {
    now: () => clock.now().getTime(),
    wake: () => wake(),
  });
  const metrics: Metrics = createMetrics(stores.metrics);
  instrumentClient(sts, 'sts', metrics.awsCall);

  // Every account the bot looks after (AWS_ACCOUNTS), and the ports that route each call to the account it is about.
  const accounts = createAccounts({
    settings: config.accounts,
    region,
    clock,
    logger,
    onClient: (client, service) =>
      instrumentClient(client as Parameters<typeof instrumentClient>[0], service, metrics.awsCall),
  });
  const aws = createAccountPorts({
    accounts,
    concurrency: config.accounts.concurrency,
    logger,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    kmsKeyId: config.secretsKmsKeyId,
    // CloudTrail pages shared between people expire by the bot's clock, as every other reuse does.
    now: () => clock.now().getTime(),
  });

  // Slack's Web API for everything outside Bolt's listeners (directory, approval messages); honours SLACK_API_URL.
  const slackClient = new WebClient(config.slack.botToken, {
    slackApiUrl: config.slack.apiUrl,
    logger: toSlackLogger(logger),
  });
  // Queued messages go through a client that gives up quickly (two retries, 15 s per call): a message Slack keeps
  // refusing goes back to the outbox for a later run instead of holding up everyone else's and the job.
  const deliveryClient = new WebClient(config.slack.botToken, {
    slackApiUrl: config.slack.apiUrl,
    logger: toSlackLogger(logger),
    ...DELIVERY_CLIENT,
  });
  const closers: (() => void)[] = [];

  return {
    config,
    logger,
    clock,
    region,
    db,
    /** Looking only, and there is no database yet: an empty one in memory stands in. */
    noDatabase: opened.none,
    lookOnly: options.lookOnly === true,
    stores,
    metrics,
    sts,
    accounts,
    aws,
    slackClient,
    deliveryClient,
    directory: createSlackDirectory(slackClient, { clock }),
    holder: holderFor(config, options.replica === true),
    /** Who the bot is, asked once (and again after a failure): to spot its own keys. */
    botArn: () => accounts.own().then((me) => me.arn),
    /** Binds the wake-up every store calls after queuing a notice (the deliverer's). */
    onQueued(listener: () => void): void {
      if (!options.lookOnly) wake = listener;
    },
    /** Something else to destroy at close (clients made by a feature). */
    onClose(close: () => void): void {
      closers.push(close);
    },
    async close(): Promise<void> {
      await db.close();
      sts.destroy();
      accounts.destroy();
      for (const close of closers) close();
    },
  };
}

export type Platform = Awaited<ReturnType<typeof openPlatform>>;
