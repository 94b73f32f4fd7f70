import { FactError } from '../../errors.js';
import type { RootAccessPort } from '../../kernel/aws-ports.js';
import { everyAccount } from '../../kernel/concurrency.js';
import type { ReportRow, RootJudgement } from '../../kernel/domain/findings.js';
import type { Logger } from '../../logger.js';

/** What a scan reads: every account's credential report and summary, and how each account's root is to be judged. */

export interface ReportPort {
  /** An account's credential report (reused under 4 hours, else generated) and summary (unset: the bot's own). */
  read(
    now: Date,
    accountId?: string,
  ): Promise<{ rows: ReportRow[]; rootMfaEnabled: boolean; rootAccessKeysPresent: boolean }>;
}

/** The accounts a scan covers (AWS_ACCOUNTS); without it, the bot's own. */
export interface ScanAccounts {
  list(): Promise<string[]>;
  label(accountId: string): Promise<string>;
  readonly concurrency: number;
}

/**
 * Centralised root access (with several accounts): when the organization has `RootCredentialsManagement` on, each
 * member account's root is judged as "root credentials present" rather than "root without MFA".
 */
export interface RootAccess {
  readonly features: RootAccessPort['features'];
  /** The bot's own account: the management account (or the delegated administrator), not a member. */
  readonly ownAccount: () => Promise<string>;
}

export interface UnreadableAccount {
  readonly accountId: string;
  readonly label: string;
  readonly reason: string;
}

/** What reading the reports needs (part of ScanDeps). */
export interface ReportReading {
  readonly reports: ReportPort;
  readonly accounts?: ScanAccounts;
  readonly rootAccess?: RootAccess;
  readonly logger: Logger;
}

/** Root findings from the account summary when the report has no root row (GetAccountSummary always answers). */
function rootFromSummary(
  rows: ReportRow[],
  summary: { rootMfaEnabled: boolean; rootAccessKeysPresent: boolean },
  accountId: string | undefined,
): ReportRow[] {
  if (rows.some((r) => r.isRoot)) return [];
  return [
    {
      user: '<root_account>',
      arn: accountId ? `arn:aws:iam::${accountId}:root` : 'root',
      isRoot: true,
      createdAt: undefined,
      passwordEnabled: true,
      passwordLastUsed: undefined,
      mfaActive: summary.rootMfaEnabled,
      keys: [
        {
          slot: 1,
          active: summary.rootAccessKeysPresent,
          lastRotated: undefined,
          lastUsed: undefined,
          lastUsedService: undefined,
        },
      ],
    },
  ];
}

/**
 * Each account's report rows (with root from the summary where the report has none), handed to `use` as soon as they
 * are read, `concurrency` accounts at a time: only what `use` returns is kept, so no more than those accounts' rows
 * are held at once. One account that cannot be read is reported, not fatal; with no `accounts` (the bot's own only) a
 * failure fails the scan, as it always has. What `use` throws fails the scan.
 */
export async function eachAccountReport<R>(
  deps: ReportReading,
  now: Date,
  use: (rows: ReportRow[], accountId: string | undefined) => Promise<R>,
): Promise<{ values: R[]; unreadable: UnreadableAccount[] }> {
  if (!deps.accounts) {
    const report = await deps.reports.read(now);
    return {
      values: [await use([...report.rows, ...rootFromSummary(report.rows, report, undefined)], undefined)],
      unreadable: [],
    };
  }
  const accounts = deps.accounts;
  const { values, failures } = await everyAccount(
    await accounts.list(),
    {
      concurrency: accounts.concurrency,
      logger: deps.logger,
      what: 'the credential report',
      allMayFail: true,
    },
    async (accountId) => {
      const report = await deps.reports.read(now, accountId);
      return [...report.rows, ...rootFromSummary(report.rows, report, accountId)];
    },
    use,
  );
  const unreadable = await Promise.all(
    failures.map(async ({ accountId, error }) => ({
      accountId,
      label: await accounts.label(accountId),
      reason:
        error instanceof FactError
          ? `${error.reason.action}: ${error.reason.kind}${error.reason.code ? ` (${error.reason.code})` : ''}`
          : 'unexpected error',
    })),
  );
  return { values, unreadable };
}

/** Member accounts under centralised root access, if the organization has it; a failed look is logged, not fatal. */
export async function rootJudgement(deps: ReportReading): Promise<RootJudgement> {
  if (!deps.accounts || !deps.rootAccess) return {};
  try {
    const features = await deps.rootAccess.features();
    if (!features.includes('RootCredentialsManagement')) return {};
    const own = await deps.rootAccess.ownAccount();
    return { centralRoot: (accountId) => accountId !== own };
  } catch (error) {
    deps.logger.warn(
      { err: error },
      'could not tell whether root access is centralised; root judged as before',
    );
    return {};
  }
}
