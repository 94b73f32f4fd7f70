import { getCallerIdentity } from './adapters/aws/sts.js';
import { createSlackApp, metricsOnPort } from './adapters/slack/app.js';
import { createChartUploader } from './adapters/slack/file-upload.js';
import { createTokenCheck } from './adapters/slack/token-check.js';
import { ping } from './adapters/store/db.js';
import { createRunCoordinator } from './adapters/store/job-runs.js';
import { type Config, weakenedDefences } from './config.js';
import { operatorSentence, SlackTokenRejected, StartupError } from './errors.js';
import { postPosture } from './features/posture/post-posture.js';
import type { ScanResult } from './features/scan/run-scan.js';
import type { TrailSignalReport } from './features/trail-signals/run-trail-signals.js';
import { scanAndSend, signalsAndSend } from './jobs/commands.js';
import { type JobsReport, runAllJobs } from './jobs/run.js';
import { startSchedules } from './jobs/schedules.js';
import type { Clock } from './kernel/domain/types.js';
import { type Logger, toSlackLogger } from './logger.js';
import { serveMetrics } from './metrics.js';
import { wireFeatures } from './wiring/features.js';
import { openPlatform } from './wiring/platform.js';

export type { JobsReport } from './jobs/run.js';

export interface RunningBot {
  readonly port: number;
  /** Where GET /metrics is served on a port of its own (METRICS_PORT), if it is. */
  readonly metricsPort: number | undefined;
  readonly logger: Logger;
  /** Runs the rotation job now (what the schedule does); for tests and operators. */
  runJobs(): Promise<JobsReport>;
  /** Runs one scan now (what NUDGE_CRON does). */
  scan(options: { dryRun: boolean }): Promise<ScanResult>;
  /** Runs the CloudTrail signals job now (what the 15-minute schedule does). */
  trailSignals(): Promise<TrailSignalReport>;
  /** Posts the weekly posture chart now (what POSTURE_CRON does). */
  postPosture(): Promise<'posted' | 'no_channel' | 'no_data' | 'failed'>;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Run the jobs on their cron schedules (default true). */
  readonly schedule?: boolean;
  /** Something the bot cannot run with happened after start (Slack, reached late, refused the token). */
  readonly onFatal?: (error: Error) => void;
}

/** `aws-mfa-bot start`: the Slack app, its schedules and the one deliverer, on one platform, until stopped. */
export async function startBot(config: Config, options: StartOptions = {}): Promise<RunningBot> {
  const platform = await openPlatform(config, { ...options, replica: true });
  const features = wireFeatures(platform);
  const { logger, slackClient, db, sts, region, metrics } = platform;
  const { deliverer } = features;

  const readiness = {
    slackAuthenticated: false,
    database: () => ping(db),
  };
  // One auth.test, bounded; Slack unreachable keeps the process up (healthy, not ready) and is tried again.
  const token = createTokenCheck({
    token: config.slack.botToken,
    apiUrl: config.slack.apiUrl,
    logger,
    slackLogger: toSlackLogger(logger),
    onVerified: (me) => {
      readiness.slackAuthenticated = true;
      logger.info({ team: me.team, botUser: me.botUserId }, 'Slack token verified');
    },
    onRejected: (error) => {
      logger.fatal({ err: error }, error.message);
      options.onFatal?.(error);
    },
  });
  const slack = createSlackApp(config, features.slack, readiness, metrics, token.authorize);

  // Not fatal: the checklist shows "couldn't check" per step, and the operator gets one clear line now.
  getCallerIdentity(sts).then(
    (id) => logger.info({ awsAccount: id.account, awsPrincipal: id.arn, region }, 'AWS credentials work'),
    (error) =>
      logger.error(
        { err: error, region },
        `${operatorSentence(error) ?? 'AWS credentials are not usable'}: the checklist will show "couldn't check" until they are (see docs/iam-policy.json)`,
      ),
  );

  // Accepted, but each turns a defence down: said once, here (doctor says it too).
  for (const weak of weakenedDefences(config))
    logger.warn({ variable: weak.variable, why: weak.why }, 'a setting weakens a defence');
  // The port opens first: /healthz answers while Slack is checked (a liveness probe must not restart a bot that
  // waits for Slack), /readyz says whether it is ready.
  const port = await slack.start().catch(async (error: unknown) => {
    await platform.close();
    throw new StartupError(
      `the bot could not listen on PORT ${config.port} (${(error as Error).message}): choose a free port.`,
      { cause: error },
    );
  });
  try {
    await token.verify();
  } catch (error) {
    token.stop();
    await slack.stop().catch(() => undefined);
    await platform.close();
    throw error instanceof SlackTokenRejected ? new StartupError(error.message, { cause: error }) : error;
  }
  const metricsServer =
    config.metricsPort !== undefined && !metricsOnPort(config)
      ? await serveMetrics(metrics, config.metricsPort).catch(async (error: unknown) => {
          await slack.stop();
          await platform.close();
          throw new StartupError(
            `GET /metrics could not listen on METRICS_PORT ${config.metricsPort} (${(error as Error).message}): choose a free port.`,
            { cause: error },
          );
        })
      : undefined;
  logger.info(
    {
      mode: config.slack.appToken ? 'socket' : 'http',
      port,
      metrics: metricsServer ? metricsServer.port : metricsOnPort(config) ? port : 'off (set METRICS_PORT)',
    },
    'aws-mfa-bot is running',
  );

  // Jobs under way, so that a shutdown can let them finish (bounded) before it gives its claims back.
  const inflight = new Set<Promise<unknown>>();
  const track = <T>(job: Promise<T>): Promise<T> => {
    inflight.add(job);
    return job.finally(() => inflight.delete(job));
  };
  // Start-up reconciliation: resume or compensate whatever a crash interrupted, then keep running on a schedule.
  const jobs = () =>
    track(
      metrics.job('rotation', async () => {
        const report = await runAllJobs(platform, features);
        // Quiet when nothing happened: a line only when something moved or failed.
        if (Object.values(report).some((n) => n > 0)) logger.info({ report }, 'rotation job ran');
        return report;
      }),
    ).catch((error) => {
      logger.error({ err: error }, 'rotation job failed');
      throw error;
    });
  jobs().catch(() => undefined);
  const scanNow = () =>
    track(metrics.job('scan', () => scanAndSend(features, false))).catch((error) => {
      logger.error({ err: error }, 'scan failed');
    });
  const signalsNow = () =>
    track(metrics.job('cloudtrail-signals', () => signalsAndSend(features))).catch((error) =>
      logger.error({ err: error }, 'CloudTrail signals job failed'),
    );
  const postNow = () =>
    track(
      metrics.job('posture', () =>
        postPosture({
          ...features.posture,
          upload: createChartUploader(slackClient),
          securityChannel: config.securityChannel,
        }),
      ),
    ).catch((error) => {
      logger.error({ err: error }, 'posture chart not posted');
      return 'failed' as const;
    });
  const tasks =
    options.schedule === false
      ? []
      : startSchedules(
          { rotation: jobs, signals: signalsNow, scan: scanNow, posture: postNow },
          {
            postureCron: config.postureCron,
            scanCron: config.scan.cron,
            timeZone: config.scan.timeZone,
            coordinator: createRunCoordinator(db, platform.holder.split('#')[0] ?? platform.holder),
          },
        );

  return {
    port,
    metricsPort: metricsServer?.port,
    logger,
    runJobs: jobs,
    scan: (o) => scanAndSend(features, o.dryRun),
    trailSignals: () => signalsAndSend(features),
    postPosture: postNow,
    /**
     * Stops taking work (readiness, schedules, Slack), lets jobs under way finish for up to 8 s, gives this process's
     * claims back so another replica can carry on at once, then closes the database.
     */
    async stop() {
      readiness.slackAuthenticated = false;
      token.stop();
      for (const task of tasks) await task.stop();
      await slack.stop();
      await metricsServer?.close();
      const settled = await Promise.race([
        Promise.allSettled([...inflight, deliverer.idle()]).then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 8_000).unref()),
      ]);
      if (settled)
        await platform.stores
          .release(platform.holder)
          .catch((error) => logger.error({ err: error }, 'could not give back claims'));
      else logger.warn({ jobs: inflight.size }, 'jobs still running at shutdown; their claims will run out');
      await platform.close();
    },
  };
}
