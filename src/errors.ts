import type { FaultReason } from './kernel/domain/types.js';

/**
 * Every error the bot raises on purpose, each with a `code` a caller (or a JSON consumer of the CLI) can branch on,
 * and what the operator is told about failures that are theirs to fix, in one sentence each and the same words everywhere
 * (doctor, start-up, the CLI, logs, a scan's unreadable account).
 */

/** The AWS SDK found no credentials at all. */
export const NO_AWS_CREDENTIALS =
  'no AWS credentials were found: give the bot a role (IRSA, EKS Pod Identity, an instance profile), AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY';

/** The SQLite driver is a native addon, built for one Node.js: another Node.js cannot load it. */
export class SqliteDriverError extends Error {
  readonly code = 'sqlite_driver_unloadable';
  constructor(options: { cause: unknown }) {
    super(
      `the SQLite driver (better-sqlite3) could not be loaded by Node.js ${process.version}: run \`npm rebuild better-sqlite3\` (or \`npm ci\`) with this Node.js, or use DATABASE_URL=postgres://…`,
      options,
    );
    this.name = 'SqliteDriverError';
  }
}

/** Whether an error is the AWS SDK's "no credentials" (its name, or a cause of that name). */
export function isMissingCredentials(error: unknown): boolean {
  for (let e = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++)
    if ((e as { name?: string }).name === 'CredentialsProviderError') return true;
  return false;
}

/** The one sentence for a failure the operator must fix, when it is one of those; undefined otherwise. */
export function operatorSentence(error: unknown): string | undefined {
  if (isMissingCredentials(error)) return NO_AWS_CREDENTIALS;
  for (let e = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++)
    if (e instanceof SqliteDriverError) return e.message;
  return undefined;
}

/** Thrown by adapters when AWS refuses or fails a call; carries what the user and the operator need to know. */
export class FactError extends Error {
  readonly code: string;
  constructor(
    readonly reason: FaultReason,
    options?: { cause?: unknown },
  ) {
    super(`${reason.action} failed: ${reason.kind}${reason.code ? ` (${reason.code})` : ''}`, options);
    this.name = 'FactError';
    this.code = `aws_${reason.kind}`;
  }
}

/** A secret exists at the bot's name but the bot did not make it: it is not reused, and the operator must look. */
export class UnmanagedSecretError extends Error {
  readonly code = 'secret_not_managed';
  constructor(readonly secretName: string) {
    super(
      `a secret named ${secretName} already exists and is not tagged managed-by=aws-mfa-bot; the bot will not reuse it — rename or delete it, or tag it if it is the bot's`,
    );
    this.name = 'UnmanagedSecretError';
  }
}

/** The schema is newer than this code: an older replica must not run against it. */
export class SchemaTooNewError extends Error {
  readonly code = 'schema_too_new';
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `the database schema is at migration ${found}, newer than this version of aws-mfa-bot knows (${known}): upgrade the bot (every replica) or point DATABASE_URL at the right database`,
    );
    this.name = 'SchemaTooNewError';
  }
}

/** A start-up problem the operator can fix; printed as one sentence, without a stack trace. */
export class StartupError extends Error {
  readonly code = 'startup_failed';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StartupError';
  }
}

/** A configuration problem the operator can fix. Its message never contains a variable's value. */
export class ConfigError extends Error {
  readonly code = 'config_invalid';
  constructor(readonly problems: readonly string[]) {
    super(`Configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Slack answered, and refused the token: nothing will work until the operator replaces it. */
export class SlackTokenRejected extends Error {
  readonly code = 'slack_token_rejected';
  constructor(readonly slackError: string) {
    super(
      `Slack rejected SLACK_BOT_TOKEN (${slackError}): reinstall the app and copy the Bot User OAuth Token from Slack app → OAuth & Permissions.`,
    );
    this.name = 'SlackTokenRejected';
  }
}
