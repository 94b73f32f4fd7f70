/**
 * What the operator is told about failures that are theirs to fix, in one sentence each and the same words everywhere
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
