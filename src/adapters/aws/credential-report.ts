import {
  GenerateCredentialReportCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { parse } from 'csv-parse/sync';
import type { ReportKey, ReportRow } from '../../kernel/domain/findings.js';
import { HOUR_MS } from '../../kernel/domain/time.js';
import { awsCall } from './errors.js';

const NO_VALUE = new Set(['', 'n/a', 'no_information', 'not_supported']);

function date(value: string | undefined): Date | undefined {
  if (!value || NO_VALUE.has(value.toLowerCase())) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

const bool = (value: string | undefined) => (value ?? '').trim().toLowerCase() === 'true';
const text = (value: string | undefined) => (value && !NO_VALUE.has(value.toLowerCase()) ? value : undefined);

/**
 * The credential report's CSV, by column name (AWS has added columns before), with its special values: booleans
 * in any case, `N/A`, `no_information`, `not_supported`, and the `<root_account>` row.
 */
export function parseCredentialReport(csv: string): ReportRow[] {
  // Each record becomes its row as it is read: the parser's own record objects (one per user, every column a
  // string) are not all held at once beside the rows.
  return parse(csv, {
    columns: true,
    skip_empty_lines: true,
    trim: true,
    bom: true,
    on_record: (r: Record<string, string>) => toRow(r),
  }) as ReportRow[];
}

function toRow(r: Record<string, string>): ReportRow {
  const keys: ReportKey[] = ([1, 2] as const).map((slot) => ({
    slot,
    active: bool(r[`access_key_${slot}_active`]),
    lastRotated: date(r[`access_key_${slot}_last_rotated`]),
    lastUsed: date(r[`access_key_${slot}_last_used_date`]),
    lastUsedService: text(r[`access_key_${slot}_last_used_service`]),
  }));
  const isRoot = r.user === '<root_account>';
  return {
    user: r.user ?? '',
    arn: r.arn ?? '',
    isRoot,
    createdAt: date(r.user_creation_time),
    // The root row says not_supported for password_enabled: root always has a password.
    passwordEnabled: isRoot ? true : bool(r.password_enabled),
    passwordLastUsed: date(r.password_last_used),
    mfaActive: bool(r.mfa_active),
    keys,
  };
}

export interface CredentialReport {
  readonly generatedAt: Date;
  readonly rows: ReportRow[];
}

export interface ReportOptions {
  readonly now: Date;
  /** A report younger than this is reused (IAM regenerates at most every 4 hours anyway). */
  readonly maxAgeMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly maxPolls?: number;
}

const isCode = (error: unknown, ...codes: string[]) =>
  codes.includes((error as { reason?: { code?: string } }).reason?.code ?? '');

/** Reads the credential report, generating it first when there is none or it is too old; polls with backoff. */
export async function fetchCredentialReport(
  client: IAMClient,
  options: ReportOptions,
): Promise<CredentialReport> {
  const get = () => awsCall('iam:GetCredentialReport', () => client.send(new GetCredentialReportCommand({})));
  try {
    const existing = await get();
    const at = existing.GeneratedTime;
    if (at && options.now.getTime() - at.getTime() < options.maxAgeMs && existing.Content) {
      return { generatedAt: at, rows: parseCredentialReport(Buffer.from(existing.Content).toString('utf8')) };
    }
  } catch (error) {
    if (
      !isCode(
        error,
        'CredentialReportNotPresentException',
        'CredentialReportExpiredException',
        'ReportNotPresent',
        'ReportExpired',
      )
    )
      throw error;
  }
  const maxPolls = options.maxPolls ?? 8;
  for (let poll = 0; poll < maxPolls; poll++) {
    const state = await awsCall('iam:GenerateCredentialReport', () =>
      client.send(new GenerateCredentialReportCommand({})),
    );
    if (state.State === 'COMPLETE') {
      try {
        const report = await get();
        if (report.Content) {
          return {
            generatedAt: report.GeneratedTime ?? options.now,
            rows: parseCredentialReport(Buffer.from(report.Content).toString('utf8')),
          };
        }
      } catch (error) {
        if (!isCode(error, 'CredentialReportNotReadyException', 'ReportInProgress')) throw error;
      }
    }
    await options.sleep(Math.min(1000 * 2 ** poll, 15_000));
  }
  throw new Error(`the IAM credential report was not ready after ${maxPolls} polls`);
}

export interface AccountSummary {
  readonly rootMfaEnabled: boolean;
  readonly rootAccessKeysPresent: boolean;
  readonly users: number;
}

export async function fetchAccountSummary(client: IAMClient): Promise<AccountSummary> {
  const r = await awsCall('iam:GetAccountSummary', () => client.send(new GetAccountSummaryCommand({})));
  const m = r.SummaryMap ?? {};
  return {
    rootMfaEnabled: (m.AccountMFAEnabled ?? 0) === 1,
    rootAccessKeysPresent: (m.AccountAccessKeysPresent ?? 0) > 0,
    users: m.Users ?? 0,
  };
}

/** The scan's view of IAM: the report (reused under 4 hours) and the account summary, read together. */
export function createReportAdapter(client: IAMClient, sleep: (ms: number) => Promise<void>) {
  return {
    async read(now: Date) {
      const [report, summary] = await Promise.all([
        fetchCredentialReport(client, { now, maxAgeMs: 4 * HOUR_MS, sleep }),
        fetchAccountSummary(client),
      ]);
      return {
        rows: report.rows,
        rootMfaEnabled: summary.rootMfaEnabled,
        rootAccessKeysPresent: summary.rootAccessKeysPresent,
      };
    },
  };
}
