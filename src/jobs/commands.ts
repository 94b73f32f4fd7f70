import { createPostureStore } from '../adapters/store/posture-store.js';
import type { Config } from '../config.js';
import type { PostureSnapshot } from '../features/posture/domain.js';
import type { PostureStore } from '../features/posture/ports.js';
import { buildPostureChart } from '../features/posture/post-posture.js';
import { drawPosture } from '../features/posture/summary.js';
import { runScan, type ScanResult } from '../features/scan/run-scan.js';
import { runTrailSignals } from '../features/trail-signals/run-trail-signals.js';
import type { Clock } from '../kernel/domain/types.js';
import {
  type IdentityEntry,
  listIdentities,
  type TrustResult,
  trustIdentities,
} from '../kernel/people/identities.js';
import { type Claimed, once } from '../kernel/runs.js';
import { createLogger } from '../logger.js';
import { type Features, wireFeatures } from '../wiring/features.js';
import {
  openForLooking,
  openPlatform,
  type Platform,
  type PlatformOptions,
  systemClock,
} from '../wiring/platform.js';
import { type PlannedStep, planJobs } from './plan-jobs.js';
import { type JobsReport, runAllJobs } from './run.js';

export type CommandOptions = Pick<PlatformOptions, 'logger' | 'clock'>;

/** Opens the platform and the features for one command, runs it, and closes everything (after deliveries end). */
async function withBot<T>(
  config: Config,
  options: PlatformOptions,
  run: (platform: Platform, features: Features) => Promise<T>,
): Promise<T> {
  const platform = await openPlatform(config, options);
  const features = wireFeatures(platform);
  try {
    return await run(platform, features);
  } finally {
    await features.deliverer.idle();
    await platform.close();
  }
}

/** The once-only claim of a command that must not run twice at the same time (two CronJobs, a CronJob and a person). */
const onlyOnce = <T>(platform: Platform, name: string, run: () => Promise<T>): Promise<Claimed<T>> =>
  once(
    platform.stores.runs,
    name,
    { holder: platform.holder, now: () => platform.clock.now().getTime() },
    run,
  );

/** A scan, then the queued nudges and digest that may go out now. Exactly what the cron job does. */
export async function scanAndSend(features: Features, dryRun: boolean): Promise<ScanResult> {
  const result = await runScan(features.scan, { dryRun });
  if (!dryRun) await features.deliverer.flush();
  return result;
}

/** The CloudTrail signals, then what they queued. */
export async function signalsAndSend(features: Features) {
  const report = await runTrailSignals(features.signals);
  await features.deliverer.flush();
  return report;
}

/**
 * `aws-mfa-bot scan`: one scan now. With `dryRun` the findings are returned and nothing is sent or recorded (the
 * database is read as it is, and none is created). Otherwise it runs only if no other process is scanning: two at
 * once would send two digests.
 */
export async function scanOnce(
  config: Config,
  options: CommandOptions & { dryRun: boolean },
): Promise<Claimed<ScanResult> & { noDatabase: boolean }> {
  return withBot(config, { ...options, lookOnly: options.dryRun }, async (platform, features) => {
    const claimed = options.dryRun
      ? { ran: true as const, result: await scanAndSend(features, true) }
      : await onlyOnce(platform, 'scan', () => scanAndSend(features, false));
    return { ...claimed, noDatabase: platform.noDatabase };
  });
}

/**
 * `aws-mfa-bot jobs`: every due scheduled job once, then exit — for an external scheduler (a Kubernetes CronJob). Runs
 * only if no other `jobs` is running.
 */
export async function runJobsOnce(
  config: Config,
  options: CommandOptions = {},
): Promise<Claimed<JobsReport>> {
  return withBot(config, options, (platform, features) =>
    onlyOnce(platform, 'jobs', async () => {
      const report = await runAllJobs(platform, features);
      await signalsAndSend(features).catch((error) => {
        platform.logger.error({ err: error }, 'CloudTrail signals job failed');
        report.errors++;
      });
      return report;
    }),
  );
}

/** `aws-mfa-bot jobs --dry-run`: what every due job would do now; nothing is changed, sent or recorded. */
export async function planJobsOnce(
  config: Config,
  options: CommandOptions = {},
): Promise<{ steps: PlannedStep[]; noDatabase: boolean }> {
  return withBot(config, { ...options, lookOnly: true }, async (platform, features) => ({
    steps: await planJobs(platform, features),
    noDatabase: platform.noDatabase,
  }));
}

/**
 * `aws-mfa-bot identities`: every IAM user ↔ Slack person mapping, read only (no database yet: every e-mail mapping
 * is new). With `trust`: the operator trusts those e-mail mappings now, audited, and the security channel is told.
 */
export async function identitiesOnce(
  config: Config,
  options: CommandOptions & { trust?: { all: true } | { arns: readonly string[] }; by?: string },
): Promise<{ entries: IdentityEntry[]; trusted?: TrustResult; noDatabase: boolean }> {
  // A listing only looks; trusting writes.
  return withBot(config, { ...options, lookOnly: !options.trust }, async (platform, features) => {
    const deps = { ...features.identities, identities: platform.stores.identities };
    const trusted = options.trust
      ? await trustIdentities(deps, options.trust, options.by ?? 'operator')
      : undefined;
    if (trusted) await features.deliverer.flush();
    const entries = await listIdentities(deps);
    return { entries, noDatabase: platform.noDatabase, ...(trusted ? { trusted } : {}) };
  });
}

/** `aws-mfa-bot report --png FILE`: the weekly picture from the database, written locally; nothing else is touched. */
export async function reportOnce(
  config: Pick<Config, 'databaseUrl' | 'keyMaxAgeDays'>,
  options: {
    readonly weeks: number;
    readonly clock?: Clock;
    /** Draw these (a fixture: docs/posture-sample.png) instead of the database's, up to the week of the last one. */
    readonly snapshots?: readonly PostureSnapshot[];
  },
): Promise<{ png: Buffer; summary: string; alt: string }> {
  const given = options.snapshots;
  const db = given ? undefined : (await openForLooking(config.databaseUrl)).db;
  const store: PostureStore = db
    ? createPostureStore(db)
    : { record: async () => {}, since: async () => [...(given ?? [])] };
  const last = given?.reduce((a, s) => Math.max(a, s.at), 0);
  try {
    const chart = await buildPostureChart(
      {
        posture: store,
        clock: last ? { now: () => new Date(last) } : (options.clock ?? systemClock),
        logger: createLogger('error'),
        render: (points) =>
          drawPosture(points, {
            keyMaxAgeDays: config.keyMaxAgeDays,
            title: `AWS MFA and access keys: the last ${options.weeks} weeks`,
          }),
      },
      options.weeks,
    );
    return { png: chart.png, summary: chart.summary, alt: chart.alt };
  } finally {
    await db?.close();
  }
}
