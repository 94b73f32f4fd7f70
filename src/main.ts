import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { STSClient } from '@aws-sdk/client-sts';
import { WebClient } from '@slack/web-api';
import { createAccountPorts } from './adapters/aws/account-ports.js';
import { createAccounts } from './adapters/aws/accounts.js';
import { createIdentityCenterAdapter } from './adapters/aws/identity-center.js';
import { instrumentClient } from './adapters/aws/instrument.js';
import { getCallerIdentity } from './adapters/aws/sts.js';
import { createSlackApp, metricsOnPort } from './adapters/slack/app.js';
import { createConversation } from './adapters/slack/conversation.js';
import type { SlackDeps } from './adapters/slack/deps.js';
import { createSlackDirectory } from './adapters/slack/directory.js';
import { createChartUploader } from './adapters/slack/file-upload.js';
import {
  createApprovalBoard,
  createApprovers,
  createMessenger,
  createResetBoard,
} from './adapters/slack/rotation-adapters.js';
import { createTokenCheck } from './adapters/slack/token-check.js';
import { type Db, openDatabase } from './adapters/store/db.js';
import { createIdentityStore } from './adapters/store/identity-store.js';
import { createRunCoordinator } from './adapters/store/job-runs.js';
import { createMfaResetStore } from './adapters/store/mfa-reset-store.js';
import { inspectDatabase, migrate } from './adapters/store/migrations.js';
import { createPastedKeyStore, createRateStore } from './adapters/store/pasted-store.js';
import { createPostureStore } from './adapters/store/posture-store.js';
import { createRetirementStore } from './adapters/store/retirement-store.js';
import { createRotationStore } from './adapters/store/rotation-store.js';
import { createScanStore } from './adapters/store/scan-store.js';
import { type Config, weakenedDefences } from './config.js';
import { operatorSentence, SchemaTooNewError, SlackTokenRejected, StartupError } from './errors.js';
import { createConfirmVerdict } from './features/checklist/confirm-verdict.js';
import { SESSION_TOKEN_LOOKBACK_DAYS } from './features/checklist/domain/checklist.js';
import { createGetChecklist } from './features/checklist/get-checklist.js';
import { createGetPolicyVerdict } from './features/checklist/get-policy-verdict.js';
import { createGetSessionDevice } from './features/checklist/get-session-device.js';
import { createGetSsoFor, createGetSsoStatus } from './features/identity-center/get-sso-status.js';
import {
  type RetireDeps,
  type RetirementReport,
  runRetirementJobs,
} from './features/key-retirement/retire-key.js';
import { type MfaResetDeps, type MfaResetReport, runMfaResetJobs } from './features/mfa-reset/mfa-reset.js';
import { postureSummary, renderPostureChart } from './features/posture/chart.js';
import type { PostureSnapshot } from './features/posture/domain.js';
import { buildPostureChart, type PostureDeps, postPosture } from './features/posture/post-posture.js';
import type { RotationDeps } from './features/rotation/ports.js';
import {
  emptyReport,
  flushOutbox,
  type JobReport,
  runRotationJobs,
} from './features/rotation/run-rotation-jobs.js';
import { runScan, type ScanDeps, type ScanResult } from './features/scan/run-scan.js';
import {
  runTrailSignals,
  type TrailSignalDeps,
  type TrailSignalReport,
} from './features/trail-signals/run-trail-signals.js';
import { type PlannedStep, planJobs } from './jobs/plan-jobs.js';
import { startSchedules } from './jobs/schedules.js';
import { cachedBy } from './kernel/cached.js';
import { mapLimit } from './kernel/concurrency.js';
import { DAY_MS } from './kernel/domain/time.js';
import type { Clock } from './kernel/domain/types.js';
import { createDelivery, type Delivery } from './kernel/outbox/delivery.js';
import { createFindIamUser } from './kernel/people/find-iam-user.js';
import {
  type IdentitiesDeps,
  type IdentityEntry,
  listIdentities,
  type TrustResult,
  trustIdentities,
} from './kernel/people/identities.js';
import { createIdentityGuard } from './kernel/people/identity-guard.js';
import { createPersonReads } from './kernel/people/person-reads.js';
import type { IdentityStore, PostureStore } from './kernel/ports.js';
import { createLogger, type Logger, toSlackLogger } from './logger.js';
import { createMetrics, type Metrics, serveMetrics } from './metrics.js';

const systemClock: Clock = { now: () => new Date() };
const POSTURE_TITLE = 'AWS MFA and access keys: the last 12 weeks';
/** Who this process is, in the job-run records: enough for an operator to tell replicas apart. */
const instanceId = `${hostname()}:${process.pid}`;
/** This boot of this process: a new one after every restart. */
const bootId = randomUUID().slice(0, 8);

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
  /** Run the rotation job on its cron schedule (default true). */
  readonly schedule?: boolean;
  /** Something the bot cannot run with happened after start (Slack, reached late, refused the token). */
  readonly onFatal?: (error: Error) => void;
  /**
   * Only look (dry runs, listings): the database is opened read-only and never created or migrated; with none yet (or
   * an empty one), an empty one in memory stands in.
   */
  readonly lookOnly?: boolean;
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

async function openStore(config: Pick<Config, 'databaseUrl'>): Promise<Db> {
  try {
    const db = openDatabase(config.databaseUrl);
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
async function openForLooking(config: Pick<Config, 'databaseUrl'>): Promise<{ db: Db; none: boolean }> {
  const state = await inspectDatabase(config.databaseUrl).catch((error: unknown) => {
    throw new StartupError(
      operatorSentence(error) ??
        `The database at DATABASE_URL could not be read (${(error as Error).message}): check the URL and that the server is up.`,
      { cause: error },
    );
  });
  if (state.kind === 'ready') return { db: state.db, none: false };
  if (state.kind !== 'missing') await state.db.close();
  if (state.kind === 'missing' || (state.kind === 'pending' && state.pending.includes(1)))
    return { db: await openStore({ databaseUrl: 'sqlite::memory:' }), none: true };
  throw state.kind === 'newer'
    ? new StartupError(new SchemaTooNewError(state.newest, state.known).message)
    : new StartupError(
        `The database misses migrations ${state.pending.join(', ')}, and looking does not migrate it: run \`aws-mfa-bot start\` (or \`jobs\`) of this version once.`,
      );
}

interface Services {
  /** Looking only, and there is no database yet: an empty one in memory stands in. */
  readonly noDatabase: boolean;
  readonly postureDeps: PostureDeps;
  readonly scan: ScanDeps;
  readonly signals: TrailSignalDeps;
  readonly logger: Logger;
  readonly db: Db;
  readonly slackClient: WebClient;
  readonly slackDeps: SlackDeps;
  readonly rotation: RotationDeps;
  readonly sts: STSClient;
  readonly accounts: { destroy(): void };
  readonly region: string;
  readonly metrics: Metrics;
  readonly delivery: Delivery;
  readonly retire: RetireDeps;
  readonly mfaReset: MfaResetDeps;
  /** Counters of pasted key IDs per poster and channel: windows older than two days are forgotten by the jobs. */
  readonly rates: { prune(before: number): Promise<void> };
  /** Who is who, for the operator (`aws-mfa-bot identities`). */
  readonly identities: IdentitiesDeps & {
    readonly identities: IdentityStore;
    readonly securityChannel: string | undefined;
  };
}

/** Composition root: configuration → AWS, Slack and database clients → use cases. Shared by `start` and `jobs`. */
/**
 * Who holds the leases a process takes. A replica (`start` on a fixed PORT) is the same instance after a restart —
 * host and port are unique per running process — so it takes over its dead boot's leases at once. Anything else
 * (`jobs`, `scan`, PORT 0) is an instance of its own, so two of them never take over each other's work.
 */
function leaseHolder(config: Config, replica: boolean): string {
  const instance =
    replica && config.port > 0 ? `${hostname()}:${config.port}` : `${hostname()}:pid${process.pid}`;
  return `${instance}#${bootId}`;
}

async function buildServices(config: Config, options: StartOptions, replica = false): Promise<Services> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;

  const sts = new STSClient({});
  const region = await resolveRegion(sts);
  const opened = options.lookOnly
    ? await openForLooking(config)
    : { db: await openStore(config), none: false };
  const { db } = opened;
  const metrics = createMetrics(db);
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
  });
  const { iam, keys, secrets } = aws;
  // A person's temporary-credential use, answered from the last look for ten minutes.
  const sessionUse = cachedBy(
    (key) => {
      const [accountId, userName] = key.split('\n') as [string, string];
      return aws.sessionTrail.findSessionTokenUse(
        userName,
        new Date(clock.now().getTime() - SESSION_TOKEN_LOOKBACK_DAYS * DAY_MS),
        accountId || undefined,
      );
    },
    { ttlMs: 10 * 60_000, clock },
  );
  // Who the bot is, asked once (and again after a failure): to spot its own keys.
  const botArn = () => accounts.own().then((me) => me.arn);

  const store = createRotationStore(db, clock);
  // Told after a retirement queued a DM: the one delivery path (set once it exists, below) sends it.
  let kick = () => {};
  const workflowClock = { now: () => clock.now().getTime(), announce: () => kick() };
  const retirements = createRetirementStore(db, workflowClock);
  const resets = createMfaResetStore(db, workflowClock);

  // Slack's Web API for everything outside Bolt's listeners (directory, DMs, approval messages); honours SLACK_API_URL.
  const slackClient = new WebClient(config.slack.botToken, {
    slackApiUrl: config.slack.apiUrl,
    logger: toSlackLogger(logger),
  });
  // Queued DMs go through a client that gives up quickly (two retries, 15 s per call): a message Slack keeps refusing
  // goes back to the outbox for a later run instead of holding up everyone else's and the job.
  const deliveryClient = new WebClient(config.slack.botToken, {
    slackApiUrl: config.slack.apiUrl,
    logger: toSlackLogger(logger),
    retryConfig: { retries: 2, factor: 2, minTimeout: 1_000, maxTimeout: 5_000 },
    timeout: 15_000,
  });
  const directory = createSlackDirectory(slackClient, { clock });
  const scans = createScanStore(db);
  const posture = createPostureStore(db);
  const identityStore = createIdentityStore(db);
  const guard = createIdentityGuard({
    identities: identityStore,
    scans,
    outbox: store,
    iam,
    clock,
    logger,
    trustHours: config.emailMappingTrustHours,
    securityChannel: config.securityChannel,
  });
  const findIamUser = createFindIamUser({ iam, directory, clock, emailTagKey: config.emailTagKey, guard });
  // Every per-person AWS read (checklist, modals, submits, clicks) is reused and limited here.
  const reads = createPersonReads({ findIamUser, iam, clock });

  const rotation: RotationDeps = {
    store,
    iam,
    keys,
    secrets,
    keyTrail: aws.keyTrail,
    board: createApprovalBoard(slackClient, (id) => accounts.label(id)),
    messenger: createMessenger(deliveryClient, {
      store,
      retirements,
      resets,
      directory,
      threads: scans,
      context: { region, deleteDays: config.rotation.deleteDays },
      accountLabel: (id) => accounts.label(id),
    }),
    approvers: createApprovers(slackClient, config.rotation.approvers, clock),
    findIamUser,
    reads,
    clock,
    logger,
    newId: randomUUID,
    holder: leaseHolder(config, replica),
    leaked: async (keyId) => {
      const r = await retirements.get(keyId);
      return r?.source === 'pasted' && (r.state === 'deactivating' || r.state === 'deactivated');
    },
    config: { ...config.rotation, region, securityChannel: config.securityChannel },
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };

  // The one delivery path: whatever queues a notice makes the store announce it after commit, and this sends it.
  const delivery = createDelivery(() => flushOutbox(rotation, emptyReport()), logger);
  store.onQueued(delivery.kick);
  kick = delivery.kick;
  const keyLookup = aws.lookup;
  const mfaReset: MfaResetDeps = {
    resets,
    iam,
    devices: aws.devices,
    board: createResetBoard(slackClient, (id) => accounts.label(id)),
    approvers: rotation.approvers,
    findIamUser,
    reads,
    clock,
    logger,
    newId: randomUUID,
    holder: rotation.holder,
    config: {
      approvals: config.mfaReset.approvals,
      privilegedApprovals: config.rotation.privilegedApprovals,
      requestTtlHours: config.rotation.requestTtlHours,
      reenrolHours: config.mfaReset.reenrolHours,
      approvalChannel: config.rotation.approvalChannel,
      securityChannel: config.securityChannel,
    },
  };
  const retire: RetireDeps = {
    retirements,
    rotations: store,
    keys,
    findIamUser,
    reads,
    botArn,
    clock,
    logger,
    holder: rotation.holder,
    config: {
      deleteDays: config.rotation.deleteDays,
      graceDays: config.rotation.graceDays,
      securityChannel: config.securityChannel,
    },
  };
  const pastedReports = createPastedKeyStore(db);
  const rates = createRateStore(db);

  // Step 5's verdict confirmed with AWS's own evaluator where the bot's role may call it (differences are logged).
  const confirmVerdict = createConfirmVerdict({ simulator: aws.simulator, logger });
  // IAM Identity Center (step 7, `/aws-mfa sso`), in its own region with the bot's own credentials.
  const ic = config.identityCenter;
  const icClients = ic
    ? {
        ssoAdmin: new SSOAdminClient({ region: ic.region }),
        identityStore: new IdentitystoreClient({ region: ic.region }),
      }
    : undefined;
  if (icClients) {
    instrumentClient(icClients.ssoAdmin, 'sso-admin', metrics.awsCall);
    instrumentClient(icClients.identityStore, 'identitystore', metrics.awsCall);
  }
  const identityCenter =
    ic && icClients
      ? createIdentityCenterAdapter({ ...icClients, identityStoreId: ic.identityStoreId })
      : undefined;
  const ssoStatus = identityCenter
    ? createGetSsoStatus({
        identityCenter,
        ssoTrail: aws.ssoTrail,
        accounts: () => accounts.list(),
        clock,
        logger,
      })
    : undefined;
  // Shown as the person's only once the e-mail match with the Identity Center user is trusted.
  const ssoFor = ssoStatus ? createGetSsoFor({ status: ssoStatus, guard }) : undefined;
  const slackDeps: SlackDeps = {
    logger,
    clock,
    ...(ic && ssoFor
      ? {
          identityCenter: {
            settings: { startUrl: ic.startUrl, region: ic.region },
            status: ssoFor,
            region,
          },
        }
      : {}),
    directory,
    findIamUser,
    reads,
    getChecklist: createGetChecklist({
      iam,
      trail: {
        findSessionTokenUse: (userName, _since, accountId) =>
          sessionUse.get(`${accountId ?? ''}\n${userName}`),
      },
      clock,
      logger,
      region,
      thresholds: { keyMaxAgeDays: config.keyMaxAgeDays, keyUnusedDays: config.keyUnusedDays },
      confirm: confirmVerdict,
    }),
    getSessionDevice: createGetSessionDevice({ iam, logger, region }),
    getPolicyVerdict: createGetPolicyVerdict({ iam, logger, confirm: confirmVerdict }),
    rotation,
    keys,
    retire,
    deactivatePasted: { retire, approvers: rotation.approvers, reports: pastedReports },
    keyLookup,
    mfaReset,
    accountLabel: (accountId) => accounts.label(accountId),
    pasted: {
      lookup: keyLookup,
      conversation: createConversation(slackClient),
      directory,
      scans,
      reports: pastedReports,
      rates,
      outbox: store,
      ourAccounts: () => accounts.list(),
      clock,
      logger,
      config: { emailTagKey: config.emailTagKey, securityChannel: config.securityChannel },
    },
    settings: {
      keyMaxAgeDays: config.keyMaxAgeDays,
      keyUnusedDays: config.keyUnusedDays,
      emailTagKey: config.emailTagKey,
      securityChannel: config.securityChannel,
    },
  };
  const scan: ScanDeps = {
    reports: aws.reports,
    iam,
    directory,
    scans,
    outbox: store,
    clock,
    logger,
    newId: randomUUID,
    identities: guard,
    posture,
    ...(ssoFor && identityCenter
      ? { identityCenter: { status: ssoFor, emails: () => identityCenter.listEmails(), concurrency: 5 } }
      : {}),
    // Unset AWS_ACCOUNTS: the bot's own account, read as it always was (a failure fails the scan).
    ...(config.accounts.mode === 'own'
      ? {}
      : {
          accounts: {
            list: () => accounts.list(),
            label: (id: string) => accounts.label(id),
            concurrency: config.accounts.concurrency,
          },
        }),
    config: {
      keyMaxAgeDays: config.keyMaxAgeDays,
      keyUnusedDays: config.keyUnusedDays,
      repeatDays: config.scan.repeatDays,
      emailTagKey: config.emailTagKey,
      securityChannel: config.securityChannel,
    },
  };
  const signals: TrailSignalDeps = {
    events: {
      // Every account's events, one account at a time; one that cannot be read is logged and left out.
      async eventsBetween(since, until) {
        const ids = await accounts.list();
        const errors: unknown[] = [];
        const lists = await mapLimit(ids, config.accounts.concurrency, async (id) =>
          (await aws.signals(id)).eventsBetween(since, until).catch((error: unknown) => {
            errors.push(error);
            if (ids.length > 1)
              logger.warn({ err: error, accountId: id }, 'could not read CloudTrail of an account');
            return [];
          }),
        );
        if (errors.length === ids.length) throw errors[0];
        return lists.flat().sort((a, b) => a.eventTime.getTime() - b.eventTime.getTime());
      },
    },
    iam,
    directory,
    scans: scan.scans,
    outbox: store,
    clock,
    logger,
    botArn,
    config: {
      emailTagKey: config.emailTagKey,
      securityChannel: config.securityChannel,
      repeatDays: config.scan.repeatDays,
    },
  };
  const postureDeps: PostureDeps = {
    posture,
    clock,
    logger,
    render: (points) => ({
      png: renderPostureChart(points, { keyMaxAgeDays: config.keyMaxAgeDays, title: POSTURE_TITLE }),
      ...postureSummary(points, config.keyMaxAgeDays),
    }),
  };
  return {
    noDatabase: opened.none,
    logger,
    db,
    slackClient,
    postureDeps,
    slackDeps: { ...slackDeps, scans: scan.scans },
    rotation,
    scan,
    signals,
    sts,
    accounts: {
      destroy() {
        accounts.destroy();
        icClients?.ssoAdmin.destroy();
        icClients?.identityStore.destroy();
      },
    },
    region,
    metrics,
    delivery,
    retire,
    mfaReset,
    rates,
    identities: {
      iam,
      directory,
      identities: identityStore,
      clock,
      emailTagKey: config.emailTagKey,
      trustHours: config.emailMappingTrustHours,
      securityChannel: config.securityChannel,
    },
  };
}

type JobServices = Pick<Services, 'rotation' | 'retire' | 'mfaReset' | 'delivery' | 'rates'>;

/** What one run of the jobs did: rotations, retired keys, queued DMs. */
export type JobsReport = JobReport & RetirementReport & MfaResetReport;

/** Every scheduled step but the scan and CloudTrail: rotations, retired keys, then the DMs they queued. */
async function runAllJobs(services: JobServices): Promise<JobsReport> {
  const rotations = await runRotationJobs(services.rotation);
  const retired = await runRetirementJobs(services.retire, rotations);
  const resets = await runMfaResetJobs(services.mfaReset, rotations);
  await services.rates
    .prune(services.rotation.clock.now().getTime() - 2 * DAY_MS)
    .catch((error) => services.rotation.logger.warn({ err: error }, 'could not forget old rate windows'));
  await services.delivery.flush();
  return { ...rotations, ...retired, ...resets };
}

async function runJobsLogged(services: JobServices): Promise<JobsReport> {
  const { rotation } = services;
  const report = await runAllJobs(services);
  const busy = Object.values(report).some((n) => n > 0);
  // Quiet when nothing happened: a line only when something moved or failed.
  if (busy) rotation.logger.info({ report }, 'rotation job ran');
  return report;
}

export async function startBot(config: Config, options: StartOptions = {}): Promise<RunningBot> {
  const services = await buildServices(config, options, true);
  const { logger, slackClient, slackDeps, rotation, scan, signals, db, sts, region, metrics, delivery } =
    services;

  const readiness = {
    slackAuthenticated: false,
    database: async () => {
      await rotation.store.ping();
    },
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
  const slack = createSlackApp(config, slackDeps, readiness, metrics, token.authorize);

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
    await db.close();
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
    await db.close();
    throw error instanceof SlackTokenRejected ? new StartupError(error.message, { cause: error }) : error;
  }
  const metricsServer =
    config.metricsPort !== undefined && !metricsOnPort(config)
      ? await serveMetrics(metrics, config.metricsPort).catch(async (error: unknown) => {
          await slack.stop();
          await db.close();
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
        const report = await runJobsLogged(services);
        // What the job queued is out (or back in the outbox) when it resolves, whichever run sent it.
        await delivery.flush();
        return report;
      }),
    ).catch((error) => {
      logger.error({ err: error }, 'rotation job failed');
      throw error;
    });
  jobs().catch(() => undefined);
  const scanNow = () =>
    track(metrics.job('scan', () => runScanAndSend(scan, delivery, false))).catch((error) => {
      logger.error({ err: error }, 'scan failed');
    });
  const signalsNow = () =>
    track(metrics.job('cloudtrail-signals', () => runSignalsAndSend(signals, delivery))).catch((error) =>
      logger.error({ err: error }, 'CloudTrail signals job failed'),
    );
  const postNow = () =>
    track(
      metrics.job('posture', () =>
        postPosture({
          ...services.postureDeps,
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
            coordinator: createRunCoordinator(db, instanceId),
          },
        );

  return {
    port,
    metricsPort: metricsServer?.port,
    logger,
    runJobs: jobs,
    scan: (o) => runScanAndSend(scan, delivery, o.dryRun),
    trailSignals: () => runSignalsAndSend(signals, delivery),
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
        Promise.allSettled([...inflight, delivery.idle()]).then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), 8_000).unref()),
      ]);
      if (settled) {
        for (const table of ['rotation_requests', 'key_retirements', 'mfa_resets'])
          await db
            .run(`UPDATE ${table} SET lease_until = NULL, lease_holder = NULL WHERE lease_holder = ?`, [
              rotation.holder,
            ])
            .catch((error) => logger.error({ err: error, table }, 'could not give back claims'));
      } else
        logger.warn({ jobs: inflight.size }, 'jobs still running at shutdown; their claims will run out');
      await db.close();
      sts.destroy();
      services.accounts.destroy();
    },
  };
}

async function runSignalsAndSend(signals: TrailSignalDeps, delivery: Delivery): Promise<TrailSignalReport> {
  const report = await runTrailSignals(signals);
  await delivery.flush();
  return report;
}

/** A scan, then the queued nudges and digest that may go out now. Exactly what the cron job does. */
async function runScanAndSend(scan: ScanDeps, delivery: Delivery, dryRun: boolean): Promise<ScanResult> {
  const result = await runScan(scan, { dryRun });
  if (!dryRun) await delivery.flush();
  return result;
}

/** `aws-mfa-bot scan`: one scan now; with `dryRun` the findings are returned and nothing is sent or recorded. */
export async function scanOnce(
  config: Config,
  options: StartOptions & { dryRun: boolean },
): Promise<ScanResult & { noDatabase: boolean }> {
  // A dry run only looks: the database is read as it is, and none is created.
  const services = await buildServices(config, { ...options, lookOnly: options.dryRun });
  const { scan, db, sts, delivery } = services;
  try {
    return { ...(await runScanAndSend(scan, delivery, options.dryRun)), noDatabase: services.noDatabase };
  } finally {
    await delivery.idle();
    await db.close();
    sts.destroy();
    services.accounts.destroy();
  }
}

/** `aws-mfa-bot jobs`: every due scheduled job once, then exit — for an external scheduler (Kubernetes CronJob). */
export async function runJobsOnce(config: Config, options: StartOptions = {}): Promise<JobsReport> {
  const services = await buildServices(config, options);
  const { rotation, signals, db, sts, delivery } = services;
  try {
    const report = await runAllJobs(services);
    await runSignalsAndSend(signals, delivery).catch((error) => {
      rotation.logger.error({ err: error }, 'CloudTrail signals job failed');
      report.errors++;
    });
    return report;
  } finally {
    await delivery.idle();
    await db.close();
    sts.destroy();
    services.accounts.destroy();
  }
}

/** `aws-mfa-bot jobs --dry-run`: what every due job would do now; nothing is changed, sent or recorded. */
export async function planJobsOnce(
  config: Config,
  options: StartOptions = {},
): Promise<{ steps: PlannedStep[]; noDatabase: boolean }> {
  const services = await buildServices(config, { ...options, lookOnly: true });
  try {
    const steps = await planJobs({
      rotation: services.rotation,
      retire: services.retire,
      mfaReset: services.mfaReset,
      signals: services.signals,
    });
    return { steps, noDatabase: services.noDatabase };
  } finally {
    await services.db.close();
    services.sts.destroy();
    services.accounts.destroy();
  }
}

/**
 * `aws-mfa-bot identities`: every IAM user ↔ Slack person mapping, read only (no database yet: every e-mail mapping
 * is new). With `trust`: the operator trusts those e-mail mappings now, audited, and the security channel is told.
 */
export async function identitiesOnce(
  config: Config,
  options: StartOptions & { trust?: { all: true } | { arns: readonly string[] }; by?: string },
): Promise<{ entries: IdentityEntry[]; trusted?: TrustResult; noDatabase: boolean }> {
  // A listing only looks; trusting writes.
  const services = await buildServices(config, { ...options, lookOnly: !options.trust });
  const { noDatabase } = services;
  try {
    const trusted = options.trust
      ? await trustIdentities(services.identities, options.trust, options.by ?? 'operator')
      : undefined;
    if (trusted) await services.delivery.flush();
    const entries = await listIdentities(services.identities);
    return { entries, noDatabase, ...(trusted ? { trusted } : {}) };
  } finally {
    await services.delivery.idle();
    await services.db.close();
    services.sts.destroy();
    services.accounts.destroy();
  }
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
  const db = given ? undefined : (await openForLooking(config)).db;
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
        render: (points) => ({
          png: renderPostureChart(points, {
            keyMaxAgeDays: config.keyMaxAgeDays,
            title: `AWS MFA and access keys: the last ${options.weeks} weeks`,
          }),
          ...postureSummary(points, config.keyMaxAgeDays),
        }),
      },
      options.weeks,
    );
    return { png: chart.png, summary: chart.summary, alt: chart.alt };
  } finally {
    await db?.close();
  }
}
