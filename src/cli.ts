#!/usr/bin/env node
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { STSClient } from '@aws-sdk/client-sts';
import dotenv from 'dotenv';
import { printChecks, printIdentities, printPlan, printScan } from './cli/output.js';
import { COMMANDS, type CommandSpec, USAGE } from './cli/usage.js';
import { type Config, loadConfig, redactConfig } from './config.js';
import { fail } from './doctor/check.js';
import { runDoctor } from './doctor/run-doctor.js';
import { ConfigError, operatorSentence, StartupError } from './errors.js';
import type { PostureCounts } from './features/posture/domain.js';
import { identitiesOnce, planJobsOnce, reportOnce, runJobsOnce, scanOnce } from './jobs/commands.js';
import { createLogger, redactText, stderrLog } from './logger.js';
import { type RunningBot, startBot } from './main.js';

type Values = Record<string, string | boolean | undefined>;

/** A failure the command ends with: said once (as JSON under --json), with its exit code. */
class Failure extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly exit: number,
    readonly problems?: readonly string[],
  ) {
    super(message);
  }
}

function version(): string {
  return (
    JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
  ).version;
}

/**
 * Every configuration problem at once — the variables, the rules between them, and the AWS region the SDK resolves
 * (AWS_REGION or the profile's) — in one message, before anything is started.
 */
async function configOrFail(options: { aws: boolean } = { aws: true }): Promise<Config> {
  let config: Config | undefined;
  const problems: string[] = [];
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  const sts = options.aws ? new STSClient({}) : undefined;
  const region = sts ? await sts.config.region().catch(() => undefined) : 'none needed';
  sts?.destroy();
  if (!region)
    problems.push(
      'AWS_REGION is required: set it (for example ap-northeast-2) or give the AWS profile you use a region',
    );
  if (problems.length > 0 || !config)
    throw new Failure(
      'config_invalid',
      `Configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}\n\nSee .env.example and docs/configuration.md for every variable and its meaning.`,
      1,
      problems,
    );
  return config;
}

function asFailure(error: unknown): Failure {
  if (error instanceof Failure) return error;
  if (error instanceof StartupError) return new Failure(error.code, error.message, 1);
  const sentence = operatorSentence(error);
  if (sentence) return new Failure('operator_action', sentence, 1);
  const message = redactText(error instanceof Error ? error.message : String(error));
  return new Failure((error as { code?: string })?.code ?? 'failed', message, 1);
}

function report(failure: Failure, json: boolean): void {
  if (json)
    process.stdout.write(
      `${JSON.stringify({ error: { code: failure.code, message: failure.message, ...(failure.problems ? { problems: failure.problems } : {}) } })}\n`,
    );
  else process.stderr.write(`aws-mfa-bot: ${failure.message}\n`);
  process.exitCode = failure.exit;
}

/** A one-shot command's logger: with `--json` its lines go to stderr, and stdout is the answer alone. */
const commandLogger = (level: string, v: Values) =>
  createLogger(level, v.json === true ? stderrLog() : undefined);

async function scan(v: Values): Promise<void> {
  const config = await configOrFail();
  const dryRun = v['dry-run'] === true;
  const claimed = await scanOnce(config, { logger: commandLogger(config.logLevel, v), dryRun });
  if (!claimed.ran) {
    busy('scan', claimed.holder, v.json === true);
    return;
  }
  const result = { ...claimed.result, noDatabase: claimed.noDatabase };
  printScan(result, v.json === true, dryRun);
  // An account that could not be read is a failed scan for whoever runs it (a CronJob, CI): the others were scanned.
  if (result.unreadable.length > 0) {
    if (v.json !== true)
      process.stderr.write(
        `${result.unreadable.map((u) => `account ${u.label} could not be read: ${u.reason}`).join('\n')}\n`,
      );
    process.exitCode = 3;
  }
}

async function jobs(v: Values): Promise<void> {
  const config = await configOrFail();
  const logger = commandLogger(config.logLevel, v);
  if (v['dry-run'] === true) {
    const plan = await planJobsOnce(config, { logger });
    printPlan(plan.steps, v.json === true, plan.noDatabase);
    return;
  }
  const claimed = await runJobsOnce(config, { logger });
  if (!claimed.ran) {
    busy('jobs', claimed.holder, v.json === true);
    return;
  }
  process.stdout.write(`${JSON.stringify(claimed.result)}\n`);
  if (claimed.result.errors > 0) process.exitCode = 1;
}

/**
 * Another process is running the same command: nothing was done, and that is not a failure (the other run does it).
 * Said once, on stdout, so that a CronJob's log shows why.
 */
function busy(command: string, holder: string, json: boolean): void {
  process.stdout.write(
    json
      ? `${JSON.stringify({ skipped: true, reason: 'already_running', holder })}\n`
      : `aws-mfa-bot ${command}: another ${command} is running (${holder}); nothing done.\n`,
  );
}

async function doctor(v: Values): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    printChecks(
      [
        fail(
          'config',
          'configuration',
          error.problems.join('; '),
          'set the variables as .env.example describes',
        ),
      ],
      v.json === true,
    );
    process.exitCode = 1;
    return;
  }
  // Its own findings are the output: the log says only what goes wrong underneath.
  const results = await runDoctor(config, { logger: createLogger('error') });
  printChecks(results, v.json === true);
  if (results.some((r) => r.status === 'fail')) process.exitCode = 1;
}

async function posture(v: Values): Promise<void> {
  const file = typeof v.png === 'string' ? v.png : undefined;
  const weeks = Number(v.weeks ?? 12);
  if (!file || !Number.isInteger(weeks) || weeks < 4 || weeks > 52)
    throw new Failure(
      'usage',
      `report needs --png FILE, and --weeks between 4 and 52 if given\n\n${COMMANDS.report?.usage}`,
      2,
    );
  const fixture = typeof v.snapshots === 'string' ? v.snapshots : undefined;
  const snapshots = fixture
    ? (
        JSON.parse(readFileSync(fixture, 'utf8')) as {
          at: string;
          accountId: string;
          counts: PostureCounts;
        }[]
      ).map((s) => ({ ...s, at: Date.parse(s.at) }))
    : undefined;
  // A fixture needs no configuration: it is drawn with KEY_MAX_AGE_DAYS as set, or its default.
  const config = snapshots
    ? { databaseUrl: '', keyMaxAgeDays: Number(process.env.KEY_MAX_AGE_DAYS) || 90 }
    : await configOrFail({ aws: false });
  const chart = await reportOnce(config, { weeks, ...(snapshots ? { snapshots } : {}) });
  writeFileSync(file, chart.png);
  process.stdout.write(`${chart.summary}\n${file}: ${chart.png.length} bytes\n`);
}

async function identities(v: Values, positionals: readonly string[]): Promise<void> {
  const trust = positionals[0] === 'trust';
  const arns = trust ? positionals.slice(1) : positionals;
  if ((!trust && (v.all === true || arns.length > 0)) || (trust && (v.all === true) === arns.length > 0))
    throw new Failure('usage', COMMANDS.identities?.usage ?? '', 2);
  const config = await configOrFail();
  const result = await identitiesOnce(config, {
    logger: commandLogger(config.logLevel, v),
    ...(trust
      ? {
          trust: v.all === true ? { all: true as const } : { arns },
          by: `${userInfo().username}@${hostname()}`,
        }
      : {}),
  });
  if (!result.trusted) {
    printIdentities(result.entries, v.json === true, result.noDatabase);
    return;
  }
  const { trusted, refused } = result.trusted;
  if (v.json === true) process.stdout.write(`${JSON.stringify({ trusted, refused })}\n`);
  else
    process.stdout.write(
      `${[...trusted.map((a) => `trusted   ${a}`), ...refused.map((r) => `not trusted (${r.why.replace('_', ' ')})  ${r.iamUserArn}`)].join('\n')}\n${trusted.length} mappings trusted${config.securityChannel ? '; the security channel was told' : ''}\n`,
    );
  if (refused.length > 0) process.exitCode = 1;
}

async function start(): Promise<void> {
  const config = await configOrFail();
  const logger = createLogger(config.logLevel);
  // A stray rejection must never take the bot down for everyone; it is a bug to log and fix.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  logger.debug({ config: redactConfig(config) }, 'configuration loaded');
  const bot: RunningBot = await startBot(config, {
    logger,
    // Slack, reached only after start, refused the token: said (logged), and the process ends for its supervisor.
    onFatal: () => setTimeout(() => process.exit(1), 100).unref(),
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error('shutdown took longer than 10 s; exiting anyway');
      process.exit(1);
    }, 10_000);
    timer.unref();
    bot.stop().then(
      () => process.exit(0),
      (error) => {
        logger.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

const RUN: Record<string, (v: Values, positionals: readonly string[]) => Promise<void>> = {
  start: () => start(),
  scan: (v) => scan(v),
  jobs: (v) => jobs(v),
  doctor: (v) => doctor(v),
  identities,
  report: (v) => posture(v),
};

/**
 * `aws-mfa-bot <command> [options]`, parsed strictly before anything else happens: an unknown command or flag (a
 * typo such as `--dryrun`) prints the usage to stderr and exits 2 without reading the configuration, the database,
 * AWS or Slack; `--help` on any command prints its usage and exits 0.
 */
async function main(argv: readonly string[]): Promise<void> {
  const [command = 'help', ...rest] = argv;
  const json = rest.includes('--json');
  if (command === '-v' || command === '--version' || command === 'version') {
    process.stdout.write(`${version()}\n`);
    return;
  }
  if (command === '-h' || command === '--help' || command === 'help') {
    const about = rest.find((a) => !a.startsWith('-'));
    if (about !== undefined && !COMMANDS[about])
      return report(new Failure('usage', `unknown command "${about}"\n\n${USAGE}`, 2), false);
    process.stdout.write(`${about ? COMMANDS[about]?.usage : USAGE}\n`);
    return;
  }
  const spec: CommandSpec | undefined = COMMANDS[command];
  const run = RUN[command];
  if (!spec || !run) return report(new Failure('usage', `unknown command "${command}"\n\n${USAGE}`, 2), json);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...rest],
      options: { ...spec.options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: spec.positionals === true,
    });
  } catch (error) {
    return report(new Failure('usage', `${(error as Error).message}\n\n${spec.usage}`, 2), json);
  }
  if (parsed.values.help === true) {
    process.stdout.write(`${spec.usage}\n`);
    return;
  }
  dotenv.config({ quiet: true });
  try {
    await run(parsed.values as Values, parsed.positionals);
  } catch (error) {
    report(asFailure(error), json);
  }
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(
    `aws-mfa-bot: ${redactText(error instanceof Error ? error.message : String(error))}\n`,
  );
  process.exit(1);
});
