#!/usr/bin/env node
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import dotenv from 'dotenv';
import { type Config, ConfigError, loadConfig, redactConfig } from './config.js';
import { type CheckResult, fail, formatCheck } from './doctor/check.js';
import { runDoctor } from './doctor/run-doctor.js';
import type { PostureCounts } from './domain/posture.js';
import { createLogger, redactText } from './logger.js';
import {
  identitiesOnce,
  planJobsOnce,
  type RunningBot,
  reportOnce,
  runJobsOnce,
  StartupError,
  scanOnce,
  startBot,
} from './main.js';
import type { IdentityEntry } from './services/identities.js';
import type { PlannedStep } from './services/plan-jobs.js';
import type { ScanResult } from './services/scan/run-scan.js';

const USAGE = `Usage: aws-mfa-bot <command>

Commands:
  start     run the bot (Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP on PORT)
  scan      one scan now, exactly what the schedule runs, nudges and digest included (exit 3: an account
            in AWS_ACCOUNTS could not be read; the others were scanned)
              --dry-run  print the findings instead of sending anything
              --json     machine-readable output
  jobs      run every due scheduled job once (key rotations, old keys, retired keys, MFA resets, CloudTrail
            signals, queued DMs), print a JSON report, exit
              --dry-run  print what each due job would do, and change nothing (--json: as JSON)
  report    the weekly posture picture (what POSTURE_CRON posts), from the database, without posting it
              --png FILE   write it as a PNG (required)
              --weeks N    how many weeks, 4-52 (default 12)
              --snapshots FILE  draw these snapshots (JSON) instead of the database's (docs/posture-sample.png)
  identities  every IAM user ↔ Slack person mapping: how, since when, trusted / waiting until / contested
              --json     machine-readable output
  identities trust (--all | ARN…)
            trust the listed e-mail mappings now (or every one that waits): their people may act on keys at
            once; audited, and told to SECURITY_CHANNEL
  doctor    check the setup (configuration, Slack, database, AWS) without changing anything; exit 0 only
            when nothing failed (warnings do not fail)
              --json     one JSON object per check, one per line
  help      show this help
  version   print the version

Configuration comes from the environment and from a .env file in the working directory.
See README.md and .env.example for every variable.`;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function configOrExit(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(
        `aws-mfa-bot: ${error.message}\n\nSee .env.example for every variable and its meaning.\n`,
      );
      process.exit(1);
    }
    throw error;
  }
}

function exitOnStartupError(error: unknown): never {
  if (error instanceof StartupError) {
    process.stderr.write(`aws-mfa-bot: ${error.message}\n`);
    process.exit(1);
  }
  throw error;
}

function printScan(result: ScanResult, json: boolean, dryRun: boolean): void {
  if (json) {
    const items = result.items.map((i) => ({
      rule: i.finding.ruleId,
      severity: i.finding.severity,
      user: i.finding.user,
      arn: i.finding.arn,
      ...(i.finding.key ? { keySlot: i.finding.key.slot, keyCreated: i.finding.key.lastRotated } : {}),
      ...(i.finding.days !== undefined ? { days: i.finding.days } : {}),
      slackUserId: i.slackUserId ?? null,
      outcome: i.outcome,
    }));
    process.stdout.write(
      `${JSON.stringify({ scannedAt: result.scannedAt, dryRun, findings: items, digest: result.digest, nudgesQueued: result.nudgesQueued, unreadableAccounts: result.unreadable })}\n`,
    );
    return;
  }
  const lines = result.items.map(
    (i) =>
      `${i.finding.severity.padEnd(8)} ${i.finding.ruleId.padEnd(20)} ${i.finding.user.padEnd(32)} ${(i.slackUserId ?? '-').padEnd(12)} ${i.outcome}`,
  );
  process.stdout.write(
    `${lines.join('\n')}${lines.length ? '\n' : ''}${result.items.length} findings; ${dryRun ? 'dry run: nothing sent' : `${result.nudgesQueued} nudges queued`}\n`,
  );
}

async function scan(args: string[]): Promise<void> {
  const config = configOrExit();
  const dryRun = args.includes('--dry-run');
  const json = args.includes('--json');
  const result = await scanOnce(config, { logger: createLogger(config.logLevel), dryRun }).catch(
    exitOnStartupError,
  );
  printScan(result, json, dryRun);
  // An account that could not be read is a failed scan for whoever runs it (a CronJob, CI): the others were scanned.
  if (result.unreadable.length > 0) {
    if (!json)
      process.stderr.write(
        `${result.unreadable.map((u) => `account ${u.label} could not be read: ${u.reason}`).join('\n')}\n`,
      );
    process.exitCode = 3;
  }
}

function printPlan(steps: readonly PlannedStep[], json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ dryRun: true, steps })}\n`);
    return;
  }
  const lines = steps.map(
    (s) => `${s.job.padEnd(12)} ${s.action.padEnd(40)} ${s.subject}${s.detail ? ` — ${s.detail}` : ''}`,
  );
  process.stdout.write(
    `${lines.join('\n')}${lines.length ? '\n' : ''}${steps.length} steps due; dry run: nothing changed\n`,
  );
}

async function jobs(args: string[]): Promise<void> {
  const config = configOrExit();
  if (args.includes('--dry-run')) {
    const steps = await planJobsOnce(config, { logger: createLogger(config.logLevel) }).catch(
      exitOnStartupError,
    );
    printPlan(steps, args.includes('--json'));
    return;
  }
  const report = await runJobsOnce(config, { logger: createLogger(config.logLevel) }).catch(
    exitOnStartupError,
  );
  process.stdout.write(`${JSON.stringify(report)}\n`);
  if (report.errors > 0) process.exitCode = 1;
}

function printChecks(results: readonly CheckResult[], json: boolean): void {
  if (json) {
    process.stdout.write(results.map((r) => `${JSON.stringify(r)}\n`).join(''));
    return;
  }
  const count = (status: CheckResult['status']) => results.filter((r) => r.status === status).length;
  process.stdout.write(
    `${results.map(formatCheck).join('\n')}\n\n${count('pass')} passed, ${count('warn')} warnings, ${count('fail')} failed\n`,
  );
}

async function doctor(args: string[]): Promise<void> {
  const json = args.includes('--json');
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
      json,
    );
    process.exitCode = 1;
    return;
  }
  // Its own findings are the output: the log says only what goes wrong underneath.
  const results = await runDoctor(config, { logger: createLogger('error') });
  printChecks(results, json);
  if (results.some((r) => r.status === 'fail')) process.exitCode = 1;
}

async function report(args: string[]): Promise<void> {
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const file = value('--png');
  const weeks = Number(value('--weeks') ?? 12);
  if (!file || !Number.isInteger(weeks) || weeks < 4 || weeks > 52) {
    process.stderr.write('aws-mfa-bot: report needs --png FILE, and --weeks between 4 and 52 if given\n');
    process.exitCode = 2;
    return;
  }
  const fixture = value('--snapshots');
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
    : configOrExit();
  const chart = await reportOnce(config, { weeks, ...(snapshots ? { snapshots } : {}) }).catch(
    exitOnStartupError,
  );
  writeFileSync(file, chart.png);
  process.stdout.write(`${chart.summary}\n${file}: ${chart.png.length} bytes\n`);
}

function printIdentities(entries: readonly IdentityEntry[], json: boolean, noDatabase: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ noDatabase, identities: entries })}\n`);
    return;
  }
  const when = (ms: number | undefined) =>
    ms === undefined ? '' : `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  const lines = entries.map((e) => {
    const note =
      e.state === 'waiting'
        ? `until ${when(e.trustedFrom)}`
        : e.state === 'new'
          ? 'waits from its first use'
          : e.state === 'contested'
            ? `with ${(e.claimants ?? []).filter((c) => c !== e.iamUserArn).join(', ')}`
            : e.trustedAt !== undefined
              ? `trusted ${when(e.trustedAt)} by ${e.trustedBy ?? '?'}`
              : e.since !== undefined
                ? `since ${when(e.since)}`
                : '';
    return `${e.state.padEnd(10)} ${(e.rule ?? '-').padEnd(10)} ${(e.slackUserId ?? '-').padEnd(12)} ${e.iamUserArn}${note ? `  ${note}` : ''}`;
  });
  const count = (state: IdentityEntry['state']) => entries.filter((e) => e.state === state).length;
  process.stdout.write(
    `${lines.join('\n')}${lines.length ? '\n' : ''}${entries.length} mappings: ${count('trusted')} trusted, ${count('waiting')} waiting, ${count('new')} new, ${count('contested')} contested, ${count('unmapped')} unmapped${noDatabase ? ' (no database yet: every e-mail mapping starts waiting at its first use)' : ''}\n`,
  );
}

async function identities(args: string[]): Promise<void> {
  const trust = args[0] === 'trust';
  const rest = trust ? args.slice(1) : args;
  const json = rest.includes('--json');
  const all = rest.includes('--all');
  const arns = rest.filter((a) => !a.startsWith('--'));
  const unknown = rest.filter((a) => a.startsWith('--') && a !== '--json' && a !== '--all');
  if (unknown.length > 0 || (!trust && (all || arns.length > 0)) || (trust && all === arns.length > 0)) {
    process.stderr.write('aws-mfa-bot: identities [--json] | identities trust (--all | ARN…) [--json]\n');
    process.exitCode = 2;
    return;
  }
  const config = configOrExit();
  const by = `${userInfo().username}@${hostname()}`;
  const result = await identitiesOnce(config, {
    logger: createLogger(config.logLevel),
    ...(trust ? { trust: all ? { all: true as const } : { arns }, by } : {}),
  }).catch(exitOnStartupError);
  if (!result.trusted) {
    printIdentities(result.entries, json, result.noDatabase);
    return;
  }
  const { trusted, refused } = result.trusted;
  if (json) process.stdout.write(`${JSON.stringify({ trusted, refused })}\n`);
  else
    process.stdout.write(
      `${[...trusted.map((a) => `trusted   ${a}`), ...refused.map((r) => `not trusted (${r.why.replace('_', ' ')})  ${r.iamUserArn}`)].join('\n')}\n${trusted.length} mappings trusted${config.securityChannel ? '; the security channel was told' : ''}\n`,
    );
  if (refused.length > 0) process.exitCode = 1;
}

async function start(): Promise<void> {
  const config = configOrExit();
  const logger = createLogger(config.logLevel);
  // A stray rejection must never take the bot down for everyone; it is a bug to log and fix.
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  logger.debug({ config: redactConfig(config) }, 'configuration loaded');

  const bot: RunningBot = await startBot(config, { logger }).catch(exitOnStartupError);

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

async function main(argv: string[]): Promise<void> {
  dotenv.config({ quiet: true });
  const command = argv[0] ?? 'help';
  switch (command) {
    case 'start':
      return start();
    case 'jobs':
      return jobs(argv.slice(1));
    case 'scan':
      return scan(argv.slice(1));
    case 'doctor':
      return doctor(argv.slice(1));
    case 'identities':
      return identities(argv.slice(1));
    case 'report':
      return report(argv.slice(1));
    case 'version':
    case '--version':
      process.stdout.write(`${version()}\n`);
      return;
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return;
    default:
      process.stderr.write(`aws-mfa-bot: unknown command "${command}"\n\n${USAGE}\n`);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(
    `aws-mfa-bot: ${redactText(error instanceof Error ? error.message : String(error))}\n`,
  );
  process.exit(1);
});
