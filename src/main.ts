import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { WebClient } from '@slack/web-api';
import { createIamAdapter } from './aws/iam.js';
import { createRateLimiter } from './aws/rate-limit.js';
import { getCallerIdentity } from './aws/sts.js';
import { createTrailAdapter } from './aws/trail.js';
import type { Config } from './config.js';
import type { Clock } from './domain/types.js';
import { createLogger, type Logger, toSlackLogger } from './logger.js';
import { createFindIamUser } from './services/find-iam-user.js';
import { createGetChecklist } from './services/get-checklist.js';
import { createGetPolicyVerdict } from './services/get-policy-verdict.js';
import { createGetSessionDevice } from './services/get-session-device.js';
import { createSlackApp } from './slack/app.js';
import { createSlackDirectory } from './slack/directory.js';

const systemClock: Clock = { now: () => new Date() };

/** A start-up problem the operator can fix; printed as one sentence, without a stack trace. */
export class StartupError extends Error {
  readonly code = 'startup_failed';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

export interface RunningBot {
  readonly port: number;
  readonly logger: Logger;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly logger?: Logger;
  readonly clock?: Clock;
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

/** Composition root: configuration → AWS and Slack clients → use cases → Bolt listeners → transport. */
export async function startBot(config: Config, options: StartOptions = {}): Promise<RunningBot> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;

  const sts = new STSClient({});
  const region = await resolveRegion(sts);
  const iam = createIamAdapter(new IAMClient({ region }));
  const trailRegions = [...new Set(['us-east-1', region])];
  const trail = createTrailAdapter({
    clients: trailRegions.map((r) => ({ region: r, client: new CloudTrailClient({ region: r }) })),
    limiter: createRateLimiter(2),
  });

  // The directory has its own client so that it exists before the Bolt app; both honour SLACK_API_URL.
  const slackClient = new WebClient(config.slack.botToken, {
    slackApiUrl: config.slack.apiUrl,
    logger: toSlackLogger(logger),
  });
  const directory = createSlackDirectory(slackClient, { clock });
  const readiness = { slackAuthenticated: false };
  const slack = createSlackApp(
    config,
    {
      logger,
      clock,
      directory,
      findIamUser: createFindIamUser({ iam, directory, clock, emailTagKey: config.emailTagKey }),
      getChecklist: createGetChecklist({
        iam,
        trail,
        clock,
        logger,
        region,
        thresholds: { keyMaxAgeDays: config.keyMaxAgeDays, keyUnusedDays: config.keyUnusedDays },
      }),
      getSessionDevice: createGetSessionDevice({ iam, logger, region }),
      getPolicyVerdict: createGetPolicyVerdict({ iam, logger }),
      settings: {
        keyMaxAgeDays: config.keyMaxAgeDays,
        keyUnusedDays: config.keyUnusedDays,
        emailTagKey: config.emailTagKey,
        securityChannel: config.securityChannel,
      },
    },
    readiness,
  );

  try {
    const auth = await slackClient.auth.test();
    readiness.slackAuthenticated = true;
    logger.info({ team: auth.team, botUser: auth.user_id }, 'Slack token verified');
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error ?? (error as Error).message;
    throw new StartupError(
      `Slack rejected SLACK_BOT_TOKEN (${code}): reinstall the app and copy the Bot User OAuth Token from Slack app → OAuth & Permissions.`,
      { cause: error },
    );
  }

  // Not fatal: the checklist shows "couldn't check" per step, and the operator gets one clear line now.
  getCallerIdentity(sts).then(
    (id) => logger.info({ awsAccount: id.account, awsPrincipal: id.arn, region }, 'AWS credentials work'),
    (error) =>
      logger.error(
        { err: error, region },
        'AWS credentials are not usable: the checklist will show "couldn\'t check" until they are (see docs/iam-policy.json)',
      ),
  );

  const port = await slack.start();
  logger.info({ mode: config.slack.appToken ? 'socket' : 'http', port }, 'aws-mfa-bot is running');
  return {
    port,
    logger,
    async stop() {
      readiness.slackAuthenticated = false;
      await slack.stop();
      sts.destroy();
    },
  };
}
