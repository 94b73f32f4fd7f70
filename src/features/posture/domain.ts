/** The organisation's progress, counted at every scan and drawn weekly. Counts only: no person in any of it. */

import type { ReportRow } from '../../kernel/domain/findings.js';
import { DAY_MS } from '../../kernel/domain/time.js';

export interface PostureCounts {
  /** Slack people who own at least one IAM user (undefined when the scan had no reason to look owners up). */
  readonly peopleMapped?: number;
  readonly iamUsers: number;
  readonly iamUsersWithMfa: number;
  readonly activeKeys: number;
  /** Active keys by age: under 30 days, 30 days to KEY_MAX_AGE_DAYS, older. */
  readonly keysByAge: { readonly under30: number; readonly toMax: number; readonly overMax: number };
  readonly unusedKeys: number;
  /** With IAM Identity Center configured. */
  readonly peopleOnIdentityCenter?: number;
  /** Open findings by rule. */
  readonly findings: Readonly<Record<string, number>>;
}

export interface PostureSnapshot {
  readonly at: number;
  /** '' for the whole organisation; an account ID for that account alone. */
  readonly accountId: string;
  readonly counts: PostureCounts;
}

const WEEK_MS = 7 * DAY_MS;

/** The counts of some credential-report rows (root rows aside). */
export function postureCounts(
  rows: readonly ReportRow[],
  input: {
    readonly now: Date;
    readonly keyMaxAgeDays: number;
    readonly keyUnusedDays: number;
    readonly peopleMapped?: number;
    readonly peopleOnIdentityCenter?: number;
    readonly findings: Readonly<Record<string, number>>;
  },
): PostureCounts {
  const users = rows.filter((r) => !r.isRoot);
  const keys = users.flatMap((r) => r.keys.filter((k) => k.active));
  const age = (d: Date | undefined) => (d ? Math.floor((input.now.getTime() - d.getTime()) / DAY_MS) : 0);
  return {
    ...(input.peopleMapped !== undefined ? { peopleMapped: input.peopleMapped } : {}),
    iamUsers: users.length,
    iamUsersWithMfa: users.filter((r) => r.mfaActive).length,
    activeKeys: keys.length,
    keysByAge: {
      under30: keys.filter((k) => age(k.lastRotated) < 30).length,
      toMax: keys.filter((k) => age(k.lastRotated) >= 30 && age(k.lastRotated) < input.keyMaxAgeDays).length,
      overMax: keys.filter((k) => age(k.lastRotated) >= input.keyMaxAgeDays).length,
    },
    unusedKeys: keys.filter((k) => age(k.lastUsed ?? k.lastRotated) >= input.keyUnusedDays).length,
    ...(input.peopleOnIdentityCenter !== undefined
      ? { peopleOnIdentityCenter: input.peopleOnIdentityCenter }
      : {}),
    findings: input.findings,
  };
}

/**
 * The counts of several accounts as one, people and findings aside: those are counted across accounts by the caller
 * (a person with IAM users in two accounts is one person).
 */
export function sumPostureCounts(parts: readonly PostureCounts[]): Omit<PostureCounts, 'findings'> {
  const sum = (count: (c: PostureCounts) => number) => parts.reduce((n, c) => n + count(c), 0);
  return {
    iamUsers: sum((c) => c.iamUsers),
    iamUsersWithMfa: sum((c) => c.iamUsersWithMfa),
    activeKeys: sum((c) => c.activeKeys),
    keysByAge: {
      under30: sum((c) => c.keysByAge.under30),
      toMax: sum((c) => c.keysByAge.toMax),
      overMax: sum((c) => c.keysByAge.overMax),
    },
    unusedKeys: sum((c) => c.unusedKeys),
  };
}

/** One week of the picture: the last snapshot of that week; a week without a scan has no values. */
export interface WeekPoint {
  /** Monday 00:00 UTC. */
  readonly weekStart: Date;
  readonly mfaCoverage?: number;
  readonly keysOverMax?: number;
  readonly unusedKeys?: number;
  readonly peopleOnIdentityCenter?: number;
}

/** Monday 00:00 UTC of the week `at` falls in. */
export function weekStart(at: number): number {
  const day = new Date(at);
  const monday =
    Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate()) -
    ((day.getUTCDay() + 6) % 7) * DAY_MS;
  return monday;
}

/** The last `weeks` weeks up to the one `now` is in, from the whole organisation's snapshots. */
export function weeklySeries(snapshots: readonly PostureSnapshot[], weeks: number, now: Date): WeekPoint[] {
  const last = weekStart(now.getTime());
  const latest = new Map<number, PostureSnapshot>();
  for (const s of snapshots) {
    if (s.accountId !== '') continue;
    const week = weekStart(s.at);
    const held = latest.get(week);
    if (!held || s.at > held.at) latest.set(week, s);
  }
  return Array.from({ length: weeks }, (_, i) => {
    const start = last - (weeks - 1 - i) * WEEK_MS;
    const c = latest.get(start)?.counts;
    if (!c) return { weekStart: new Date(start) };
    return {
      weekStart: new Date(start),
      mfaCoverage: c.iamUsers > 0 ? Math.round((c.iamUsersWithMfa / c.iamUsers) * 1000) / 10 : 100,
      keysOverMax: c.keysByAge.overMax,
      unusedKeys: c.unusedKeys,
      ...(c.peopleOnIdentityCenter !== undefined ? { peopleOnIdentityCenter: c.peopleOnIdentityCenter } : {}),
    };
  });
}

export type SeriesKey = 'mfaCoverage' | 'keysOverMax' | 'unusedKeys' | 'peopleOnIdentityCenter';

/** First and last value of a series over the weeks that have one. */
export function change(
  points: readonly WeekPoint[],
  key: SeriesKey,
): { from: number; to: number } | undefined {
  const values = points.map((p) => p[key]).filter((v): v is number => v !== undefined);
  const from = values[0];
  const to = values.at(-1);
  return from === undefined || to === undefined ? undefined : { from, to };
}
