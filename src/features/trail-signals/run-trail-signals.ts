import { FactError } from '../../errors.js';
import type { IamPort } from '../../kernel/aws-ports.js';
import { type Finding, quarantineFindingOf, RULES } from '../../kernel/domain/findings.js';
import { mapIamUserToSlack } from '../../kernel/domain/identity.js';
import type { Clock, IamUser } from '../../kernel/domain/types.js';
import type { OutboxWriter } from '../../kernel/outbox/ports.js';
import type { SlackDirectoryPort } from '../../kernel/people/ports.js';
import type { Logger } from '../../logger.js';
import {
  alertQuarantine,
  decideNudge,
  type QuarantineEvidencePort,
  queueNudges,
  type ScanStore,
} from '../scan/index.js';
import { classifyEvent, type Signal, type TrailEvent } from './domain.js';
import type { TrailNotice } from './ports.js';

export const TRAIL_CURSOR = 'cloudtrail_signals';
/** CloudTrail delivers events up to ~15 minutes late: each run looks this far behind its cursor. */
export const LATE_MS = 15 * 60_000;
export const FIRST_LOOKBACK_MS = 60 * 60_000;

export interface TrailSignalDeps {
  readonly events: { eventsBetween(since: Date, until: Date): Promise<TrailEvent[]> };
  readonly iam: IamPort;
  readonly directory: SlackDirectoryPort;
  readonly scans: ScanStore;
  readonly outbox: OutboxWriter;
  readonly clock: Clock;
  readonly logger: Logger;
  /** The bot's own principal, so that keys it creates are not reported. */
  readonly botArn: () => Promise<string>;
  /** Where a quarantined user's keys were used lately, for the security channel's alert. */
  readonly evidence?: QuarantineEvidencePort;
  readonly config: {
    readonly emailTagKey: string;
    readonly securityChannel: string | undefined;
    readonly repeatDays: number;
  };
}

export interface TrailSignalReport {
  events: number;
  signals: number;
  notified: number;
  denied: boolean;
}

const summary = (
  kind: TrailNotice['kind'],
  e: TrailEvent,
  extra: Partial<TrailNotice> = {},
): TrailNotice => ({
  kind,
  eventName: e.eventName,
  eventTime: e.eventTime.toISOString(),
  region: e.region,
  sourceIp: e.record.sourceIPAddress,
  userAgent: e.record.userAgent,
  ...extra,
});

/** Where a run starts reading: a little before the last run's end (CloudTrail is late), or an hour back at first. */
export async function signalWindowStart(deps: Pick<TrailSignalDeps, 'scans'>, now: Date): Promise<Date> {
  const cursor = await deps.scans.cursor(TRAIL_CURSOR);
  return new Date(cursor ? Date.parse(cursor) - LATE_MS : now.getTime() - FIRST_LOOKBACK_MS);
}

/** The signals in some events, the bot's own doings left out. */
export async function signalsIn(deps: Pick<TrailSignalDeps, 'botArn'>, events: readonly TrailEvent[]) {
  const botArn = await deps.botArn().catch(() => '');
  return events.map((e) => classifyEvent(e, botArn)).filter((s): s is Signal => s !== undefined);
}

/** What makes a signal the same as one already acted on: root activity once an hour, anything else once. */
export const signalKey = (signal: Signal) =>
  signal.kind === 'root_activity' ? signal.dedupeKey : `${signal.kind}:${signal.event.eventId}`;

/**
 * The CloudTrail job (every 15 minutes): a console sign-in without MFA nudges the user (unless they have MFA by
 * now); anything root did alerts the security channel (once an hour); an access key created by someone other than
 * the bot is told to its owner and the security channel. Each event is acted on once, even when runs overlap.
 */
export async function runTrailSignals(deps: TrailSignalDeps): Promise<TrailSignalReport> {
  const now = deps.clock.now();
  const at = now.getTime();
  const since = await signalWindowStart(deps, now);
  const report: TrailSignalReport = { events: 0, signals: 0, notified: 0, denied: false };

  let events: TrailEvent[];
  try {
    events = await deps.events.eventsBetween(since, now);
  } catch (error) {
    if (error instanceof FactError && error.reason.kind === 'access_denied') {
      deps.logger.warn(
        { action: error.reason.action },
        'not allowed to read CloudTrail: signals skipped this run',
      );
      return { ...report, denied: true };
    }
    throw error;
  }
  report.events = events.length;
  const signals = await signalsIn(deps, events);
  report.signals = signals.length;
  const users = signals.some((s) => s.kind !== 'root_activity') ? await deps.iam.listUsers() : [];
  const byArn = new Map(users.map((u) => [u.arn, u]));
  const ownerOf = async (arn: string) => {
    const user = byArn.get(arn);
    return user
      ? mapIamUserToSlack(user, await deps.directory.index(), deps.config.emailTagKey)?.slackUserId
      : undefined;
  };
  const channel = deps.config.securityChannel;

  for (const signal of signals) {
    if (!(await deps.scans.markSeen(signalKey(signal), at))) continue;

    if (signal.kind === 'root_activity') {
      if (channel) await deps.outbox.enqueue({ channel, notice: summary('root_activity', signal.event) }, at);
      report.notified++;
    } else if (signal.kind === 'key_created_outside') {
      const notice = summary('key_created_outside', signal.event, {
        targetUserArn: signal.targetUserArn,
        actorArn: signal.actorArn,
      });
      const owner = await ownerOf(signal.targetUserArn);
      if (owner) await deps.outbox.enqueue({ channel: owner, notice }, at);
      if (channel) await deps.outbox.enqueue({ channel, notice }, at);
      report.notified++;
    } else if (signal.kind === 'user_quarantined') {
      if (await tellQuarantine(deps, signal, users, ownerOf, at)) report.notified++;
    } else {
      const user = byArn.get(signal.userArn);
      if (!user || (await deps.iam.listMfaDevices(user.userName, user.accountId)).length > 0) continue;
      const owner = await ownerOf(signal.userArn);
      if (!owner) continue;
      const finding: Finding = {
        ruleId: 'console_without_mfa',
        severity: RULES.console_without_mfa.severity,
        audience: 'owner',
        user: user.userName,
        arn: user.arn,
        subject: `console_mfa:${user.arn}`,
      };
      // Same subject as the scan's finding: one nudge about it, whichever noticed first.
      if (
        decideNudge(finding, await deps.scans.nudge(finding.subject), at, deps.config.repeatDays) !== 'send'
      )
        continue;
      await queueNudges(deps, [finding], owner, at);
      report.notified++;
    }
  }
  await deps.scans.setCursor(TRAIL_CURSOR, now.toISOString(), at);
  if (report.notified > 0) deps.logger.info({ report }, 'CloudTrail signals sent');
  return report;
}

/**
 * AWS attached its quarantine policy to a user: the same finding the scan would raise (one subject, so whichever
 * sees it first tells, once), to the owner and the security channel at once. Its key is the user's oldest active one,
 * as the credential report's first slot is. An unmapped user is left to the scan, which lists it.
 */
async function tellQuarantine(
  deps: TrailSignalDeps,
  signal: Extract<Signal, { kind: 'user_quarantined' }>,
  users: readonly IamUser[],
  ownerOf: (arn: string) => Promise<string | undefined>,
  at: number,
): Promise<boolean> {
  const user = users.find((u) => u.userName === signal.userName && u.accountId === signal.accountId);
  const owner = user && (await ownerOf(user.arn));
  if (!user || !owner) return false;
  const keys = (await deps.iam.listAccessKeys(user.userName, user.accountId))
    .filter((k) => k.status === 'Active')
    .sort((a, b) => a.createDate.getTime() - b.createDate.getTime());
  const first = keys[0];
  const finding = quarantineFindingOf(
    { user: user.userName, arn: user.arn },
    first ? { slot: 1, lastRotated: first.createDate.toISOString() } : undefined,
  );
  if (decideNudge(finding, await deps.scans.nudge(finding.subject), at, deps.config.repeatDays) !== 'send')
    return false;
  await alertQuarantine({ ...deps, securityChannel: deps.config.securityChannel }, finding, owner, at);
  await queueNudges(deps, [finding], owner, at);
  return true;
}
