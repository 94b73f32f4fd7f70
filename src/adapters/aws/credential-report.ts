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

const OPEN_CDATA = Buffer.from('<![CDATA[');
const CLOSE_CDATA = Buffer.from(']]>');

/**
 * The SDK's XML parser (@aws-sdk/xml-builder) builds every text node a character at a time, and the report's content
 * is one text node of base64, about 260 characters per IAM user: at 5,000 users some 40 MiB of garbage at once, the
 * scan's largest burst of memory and the only one that grows with the organisation. The same text given as CDATA is
 * read as one slice. Base64 holds neither `]]>` nor entities, so the value read is the same; anything else is left.
 * The answer's pieces are copied once, into a buffer with room for the markers, and wrapped there.
 */
export function contentAsCdata(chunks: readonly Uint8Array[]): Buffer {
  const length = chunks.reduce((n, c) => n + c.byteLength, 0);
  // One copy of the answer, with room for the markers: wrapped in place, not copied again (zeroed: an answer left
  // unwrapped is a view of it, and nothing of this process's memory may ride along).
  const out = Buffer.alloc(length + OPEN_CDATA.length + CLOSE_CDATA.length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  const xml = out.subarray(0, length);
  const open = xml.indexOf('<Content>');
  const start = open + '<Content>'.length;
  const close = open < 0 ? -1 : xml.indexOf('</Content>', start);
  const inside = (i: number) => i >= 0 && i < close;
  // Only plain text: no markup or CDATA already, no entities for the SDK to decode.
  if (close < 0 || xml.indexOf('<', start) !== close || inside(xml.indexOf('&', start))) return xml;
  if (inside(xml.indexOf(']]>', start))) return xml;
  out.copyWithin(close + OPEN_CDATA.length + CLOSE_CDATA.length, close, length);
  out.copyWithin(start + OPEN_CDATA.length, start, close);
  OPEN_CDATA.copy(out, start);
  CLOSE_CDATA.copy(out, close + OPEN_CDATA.length);
  return out;
}

function reportCommand(): GetCredentialReportCommand {
  const command = new GetCredentialReportCommand({});
  // Low priority: inside the SDK's deserializer, so this sees the raw answer before it is parsed (errors untouched).
  command.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as { statusCode?: number; body?: unknown };
      if (response.statusCode === 200 && isAsyncIterable(response.body)) {
        const chunks: Uint8Array[] = [];
        for await (const chunk of response.body) chunks.push(chunk as Uint8Array);
        response.body = contentAsCdata(chunks);
      }
      return result;
    },
    { step: 'deserialize', priority: 'low', name: 'credentialReportContentAsCdata' },
  );
  return command;
}

/** The content as text, read where it lies (a report is about 200 bytes a user: no copy). */
const utf8 = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');

const isAsyncIterable = (body: unknown): body is AsyncIterable<unknown> =>
  typeof (body as AsyncIterable<unknown> | undefined)?.[Symbol.asyncIterator] === 'function';

/** Reads the credential report, generating it first when there is none or it is too old; polls with backoff. */
export async function fetchCredentialReport(
  client: IAMClient,
  options: ReportOptions,
): Promise<CredentialReport> {
  const get = () => awsCall('iam:GetCredentialReport', () => client.send(reportCommand()));
  try {
    const existing = await get();
    const at = existing.GeneratedTime;
    if (at && options.now.getTime() - at.getTime() < options.maxAgeMs && existing.Content) {
      return { generatedAt: at, rows: parseCredentialReport(utf8(existing.Content)) };
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
            rows: parseCredentialReport(utf8(report.Content)),
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
