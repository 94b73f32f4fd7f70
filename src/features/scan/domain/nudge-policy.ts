import { type Finding, SEVERITY_RANK, type Severity } from '../../../kernel/domain/findings.js';
import { DAY_MS } from '../../../kernel/domain/time.js';

/** What the store remembers of a finding's nudges. */
export interface NudgeRecord {
  readonly subject: string;
  readonly ruleId: string;
  readonly severity: Severity;
  readonly sentCount: number;
  readonly lastSentAt: number | undefined;
  readonly snoozedUntil: number | undefined;
  readonly answeredAt: number | undefined;
  /** Who the nudge was sent to and about which IAM user: the only person its buttons act for. */
  readonly slackUserId: string | undefined;
  readonly iamUserArn: string;
}

export type NudgeDecision = 'send' | 'snoozed' | 'recently_sent';

/** Unanswered nudges after which the owner is named in the security digest. */
export const ESCALATE_AFTER = 3;

/**
 * Whether to nudge about a finding now: not while snoozed; not again within `repeatDays` of the last nudge unless it
 * got worse (a heads-up turned into "rotation due").
 */
export function decideNudge(
  finding: Finding,
  record: NudgeRecord | undefined,
  now: number,
  repeatDays: number,
): NudgeDecision {
  if (record?.snoozedUntil !== undefined && record.snoozedUntil > now) return 'snoozed';
  if (!record || record.lastSentAt === undefined) return 'send';
  if (SEVERITY_RANK[finding.severity] > SEVERITY_RANK[record.severity]) return 'send';
  return now - record.lastSentAt >= repeatDays * DAY_MS ? 'send' : 'recently_sent';
}

export function shouldEscalate(record: NudgeRecord | undefined): boolean {
  return record !== undefined && record.sentCount >= ESCALATE_AFTER && record.answeredAt === undefined;
}

export const WORK_START_HOUR = 9;
export const WORK_END_HOUR = 18;

/**
 * One formatter per time zone, made once: each `Intl.DateTimeFormat` holds ICU's native memory, which V8 neither sees
 * nor hurries to free — made per call, a 5,000-person scan grew by ~250 MiB before a collection. IANA zones are a fixed
 * set of a few hundred (an invalid one throws and is never kept).
 */
const hourFormats = new Map<string, Intl.DateTimeFormat>();

function hourFormat(timeZone: string): Intl.DateTimeFormat {
  let format = hourFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    hourFormats.set(timeZone, format);
  }
  return format;
}

function localHour(at: number, timeZone: string): { hour: number; minute: number } {
  const parts = hourFormat(timeZone).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { hour: get('hour'), minute: get('minute') };
}

/**
 * The earliest moment, at or after `now`, inside the person's working hours (09:00–18:00 in their Slack time zone).
 * An unknown or invalid zone counts as UTC.
 */
export function nextWorkingTime(now: number, timeZone: string | undefined): number {
  let local: { hour: number; minute: number };
  try {
    local = localHour(now, timeZone || 'UTC');
  } catch {
    local = localHour(now, 'UTC');
  }
  const { hour, minute } = local;
  if (hour >= WORK_START_HOUR && hour < WORK_END_HOUR) return now;
  const minutesNow = hour * 60 + minute;
  const startMinutes = WORK_START_HOUR * 60;
  const wait = minutesNow < startMinutes ? startMinutes - minutesNow : 24 * 60 - minutesNow + startMinutes;
  // Whole minutes from now, then to the start of that minute: DST shifts of an hour are absorbed by the next run.
  return Math.floor((now + wait * 60_000) / 60_000) * 60_000;
}
