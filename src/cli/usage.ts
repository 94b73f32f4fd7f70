import type { ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/** One command of `aws-mfa-bot`: its flags (parsed strictly: anything else is refused) and its usage text. */
export interface CommandSpec {
  readonly summary: string;
  readonly usage: string;
  readonly options: Options;
  /** Words after the command (`identities trust ARN…`); none allowed unless said. */
  readonly positionals?: boolean;
}

const json = { json: { type: 'boolean' } } as const;

export const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  start: {
    summary: 'run the bot (Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP on PORT)',
    usage: `Usage: aws-mfa-bot start

Runs the bot: Slack (Socket Mode when SLACK_APP_TOKEN is set, otherwise HTTP on PORT), the schedules, and
GET /healthz and /readyz on PORT (GET /metrics on METRICS_PORT). SIGTERM stops it cleanly.`,
    options: {},
  },
  scan: {
    summary: 'one scan now, exactly what the schedule runs, nudges and digest included',
    usage: `Usage: aws-mfa-bot scan [--dry-run] [--json]

One scan now, exactly what NUDGE_CRON runs: findings, nudges and the digest.
  --dry-run  print the findings and whom each would go to; send, record and create nothing (the database is only
             read; with none yet, every finding is new)
  --json     machine-readable output (errors too)
Exit codes: 0 done; 1 failed; 2 usage; 3 an account in AWS_ACCOUNTS could not be read (the others were scanned).`,
    options: { 'dry-run': { type: 'boolean' }, ...json },
  },
  jobs: {
    summary:
      'every due scheduled job once (rotations, old keys, retired keys, MFA resets, CloudTrail, DMs), then exit',
    usage: `Usage: aws-mfa-bot jobs [--dry-run] [--json]

Runs every due scheduled job once — key rotations, old keys, retired keys, MFA resets, CloudTrail signals, queued
DMs — prints a JSON report and exits (for an external scheduler such as a Kubernetes CronJob).
  --dry-run  print what each due job would do, and change nothing (the database is only read)
  --json     with --dry-run: the plan as JSON (errors are JSON too)
Exit codes: 0 done; 1 a step failed; 2 usage.`,
    options: { 'dry-run': { type: 'boolean' }, ...json },
  },
  doctor: {
    summary: 'check the setup without changing anything; exit 0 only when nothing failed',
    usage: `Usage: aws-mfa-bot doctor [--json]

Checks configuration, Slack (token, scopes, channels, approvers, Socket Mode), the database, AWS (identity,
permissions, CloudTrail, the credential report) and who is who, changing nothing.
  --json     one JSON object per check, one per line
Exit codes: 0 nothing failed (warnings do not fail); 1 something failed; 2 usage.`,
    options: { ...json },
  },
  identities: {
    summary: 'every IAM user ↔ Slack person mapping; `identities trust` trusts e-mail mappings now',
    usage: `Usage: aws-mfa-bot identities [--json]
       aws-mfa-bot identities trust (--all | ARN…) [--json]

Lists every IAM user ↔ Slack person mapping: how it maps, since when, and trusted / waiting until / new /
contested / unmapped (reads only). \`trust\` trusts the listed e-mail mappings now (--all: every one that waits),
so their people may act on keys at once; audited, and told to SECURITY_CHANNEL.
Exit codes: 0 done; 1 an ARN could not be trusted; 2 usage.`,
    options: { all: { type: 'boolean' }, ...json },
    positionals: true,
  },
  report: {
    summary: 'the weekly posture picture (what POSTURE_CRON posts), written locally',
    usage: `Usage: aws-mfa-bot report --png FILE [--weeks N] [--snapshots FILE]

Draws the weekly posture picture from the database (read only) without posting it.
  --png FILE        write it as a PNG (required)
  --weeks N         how many weeks, 4-52 (default 12)
  --snapshots FILE  draw these snapshots (JSON) instead of the database's (docs/posture-sample.png)`,
    options: { png: { type: 'string' }, weeks: { type: 'string' }, snapshots: { type: 'string' } },
  },
  help: {
    summary: 'this help, or a command’s: aws-mfa-bot help <command>',
    usage: 'Usage: aws-mfa-bot help [command]',
    options: {},
    positionals: true,
  },
  version: { summary: 'print the version', usage: 'Usage: aws-mfa-bot version', options: {} },
};

export const USAGE = `Usage: aws-mfa-bot <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, spec]) => `  ${name.padEnd(11)} ${spec.summary}`)
  .join('\n')}

Every command takes --help. -v, --version prints the version.
Configuration comes from the environment and from a .env file in the working directory: see .env.example and
docs/configuration.md for every variable.`;
