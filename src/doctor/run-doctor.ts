import { STSClient } from '@aws-sdk/client-sts';
import { LogLevel, WebClient } from '@slack/web-api';
import { createAccountPorts } from '../adapters/aws/account-ports.js';
import { type Accounts, createAccounts } from '../adapters/aws/accounts.js';
import { createSlackDirectory } from '../adapters/slack/directory.js';
import { createIdentityStore } from '../adapters/store/identity-store.js';
import { inspectDatabase } from '../adapters/store/migrations.js';
import { type Config, weakenedDefences } from '../config.js';
import { SqliteDriverError } from '../errors.js';
import { listIdentities } from '../kernel/people/identities.js';
import type { Logger } from '../logger.js';
import { awsChecks, identityCenterCheck } from './aws-checks.js';
import { type CheckResult, describeError, fail, pass, warn, withTimeout } from './check.js';
import { slackChecks } from './slack-checks.js';

/** A check that has not answered by then has failed. */
const CHECK_TIMEOUT_MS = 20_000;

/** Settings that are valid but leave something out. */
function configChecks(config: Config): CheckResult[] {
  const results = [pass('config', 'configuration', 'valid')];
  if (!config.securityChannel)
    results.push(
      warn(
        'config.security_channel',
        'SECURITY_CHANNEL',
        'unset: digests, escalations and pasted-key alerts are not posted anywhere',
        'set it to the ID of the security team’s channel and invite the bot there',
      ),
    );
  for (const weak of weakenedDefences(config))
    results.push(
      warn(
        `config.${weak.variable.toLowerCase()}`,
        weak.variable,
        `weakens a defence — ${weak.why}`,
        'leave it at its default unless you mean it (see docs/configuration.md)',
      ),
    );
  if (!config.slackTeamId)
    results.push(
      warn(
        'config.slack_team_id',
        'SLACK_TEAM_ID',
        'unset: requests signed for this app are accepted from any workspace it is installed in',
        'set it to your workspace ID (T…)',
      ),
    );
  return results;
}

/** The database answers and has every migration; read-only (a missing SQLite file is not created). */
async function storeCheck(config: Config): Promise<CheckResult> {
  const title = 'database (DATABASE_URL)';
  let state: Awaited<ReturnType<typeof inspectDatabase>>;
  try {
    state = await inspectDatabase(config.databaseUrl);
  } catch (error) {
    if (!(error instanceof SqliteDriverError)) throw error;
    return fail(
      'database',
      title,
      error.message,
      'rebuild the driver for this Node.js (`npm rebuild better-sqlite3`, or `npm ci`), or use PostgreSQL',
    );
  }
  if (state.kind === 'missing')
    return warn(
      'database',
      title,
      `no database at ${state.path} yet`,
      'it is created and migrated by the first `start`, `jobs` or `scan`: make sure its directory is writable',
    );
  await state.db.close().catch(() => undefined);
  if (state.kind === 'newer')
    return fail(
      'database',
      title,
      `migrated by a newer aws-mfa-bot (migration ${state.newest}; this one knows ${state.known})`,
      'run the newer version, or restore a backup made for this one',
    );
  if (state.kind === 'pending')
    return fail(
      'database',
      title,
      `reachable; migrations ${state.pending.join(', ')} not applied`,
      'start the bot once (`aws-mfa-bot start`, `jobs` or `scan`): migrations run at start-up',
    );
  return pass('database', title, `reachable, all ${state.known} migrations applied`);
}

/**
 * Who waits for key actions: e-mail mappings younger than EMAIL_MAPPING_TRUST_HOURS or not used yet (a new install has
 * only those), and contested ones. Read only: the IAM users, the Slack directory and the remembered mappings.
 */
async function identityCheck(config: Config, accounts: Accounts, slack: WebClient, logger: Logger) {
  const title = 'who is who (IAM user ↔ Slack person)';
  const state = await inspectDatabase(config.databaseUrl).catch(() => undefined);
  const db = state?.kind === 'ready' ? state.db : undefined;
  if (state && state.kind !== 'missing' && state.kind !== 'ready')
    await state.db.close().catch(() => undefined);
  const clock = { now: () => new Date() };
  try {
    const entries = await listIdentities({
      iam: createAccountPorts({
        accounts,
        concurrency: config.accounts.concurrency,
        logger,
        sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
        kmsKeyId: config.secretsKmsKeyId,
      }).iam,
      directory: createSlackDirectory(slack, { clock }),
      identities: db ? createIdentityStore(db) : undefined,
      clock,
      emailTagKey: config.emailTagKey,
      trustHours: config.emailMappingTrustHours,
    });
    const people = (states: readonly string[]) =>
      new Set(entries.filter((e) => states.includes(e.state)).map((e) => e.slackUserId)).size;
    const waiting = people(['waiting', 'new']);
    const contested = people(['contested']);
    const mapped = people(['trusted', 'waiting', 'new', 'contested']);
    if (waiting === 0 && contested === 0)
      return pass('identities', title, `${mapped} people, every mapping trusted`);
    return warn(
      'identities',
      title,
      [
        waiting
          ? `${waiting} of ${mapped} people wait for key actions (e-mail mappings not yet trusted)`
          : '',
        contested ? `${contested} are contested (several IAM users claim them)` : '',
      ]
        .filter(Boolean)
        .join('; '),
      'review them with `aws-mfa-bot identities`, then trust the right e-mail mappings with `aws-mfa-bot identities trust --all` (or by ARN); a contested one needs its wrong tag removed',
    );
  } finally {
    await db?.close().catch(() => undefined);
  }
}

/**
 * Every check of `aws-mfa-bot doctor`, none of which changes anything: configuration, Slack, the database and AWS.
 * Checks run side by side, each with a time limit; the result lists them in a fixed order.
 */
export async function runDoctor(config: Config, options: { logger: Logger }): Promise<CheckResult[]> {
  const slack = new WebClient(config.slack.botToken, {
    slackApiUrl: config.slack.apiUrl,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logLevel: LogLevel.ERROR,
  });
  const app = config.slack.appToken
    ? new WebClient(config.slack.appToken, {
        slackApiUrl: config.slack.apiUrl,
        retryConfig: { retries: 0 },
        logLevel: LogLevel.ERROR,
      })
    : undefined;
  const sts = new STSClient({});
  const region = await sts.config.region().catch(() => undefined);
  const accounts = region
    ? createAccounts({
        settings: config.accounts,
        region,
        clock: { now: () => new Date() },
        logger: options.logger,
      })
    : undefined;
  try {
    const [slackResults, storeResults, awsResults] = await Promise.all([
      withTimeout(
        'slack',
        'Slack',
        CHECK_TIMEOUT_MS,
        () => slackChecks(config, slack, app),
        'check SLACK_API_URL and the network path to Slack',
      ),
      withTimeout(
        'database',
        'database (DATABASE_URL)',
        CHECK_TIMEOUT_MS,
        () => storeCheck(config),
        'check DATABASE_URL, that the server is up and that the bot can reach it',
      ),
      accounts && region
        ? withTimeout(
            'aws',
            'AWS',
            CHECK_TIMEOUT_MS * 3,
            async () => [
              ...(await awsChecks(config, accounts, region)),
              ...(await identityCenterCheck(config)),
              await identityCheck(config, accounts, slack, options.logger).catch((error: unknown) =>
                warn(
                  'identities',
                  'who is who (IAM user ↔ Slack person)',
                  `could not be read: ${describeError(error)}`,
                  'check the IAM and Slack checks above',
                ),
              ),
            ],
            'check the network path to AWS and AWS_ENDPOINT_URL',
          )
        : Promise.resolve([
            fail(
              'aws.identity',
              'AWS region',
              'no AWS region is configured',
              'set AWS_REGION (for example ap-northeast-2) or a region in the AWS profile you use',
            ),
          ]),
    ]);
    return [...configChecks(config), ...slackResults, ...storeResults, ...awsResults];
  } finally {
    accounts?.destroy();
    sts.destroy();
  }
}
