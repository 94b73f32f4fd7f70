import { FactError, operatorSentence } from '../errors.js';
import type { RetireDeps } from '../features/key-retirement/retire-key.js';
import { reenrolled } from '../features/mfa-reset/domain.js';
import type { MfaResetDeps } from '../features/mfa-reset/mfa-reset.js';
import { dueLifecycleStep, oldKeyVerdict } from '../features/rotation/domain.js';
import type { RotationDeps } from '../features/rotation/ports.js';
import { OPEN_STATES } from '../features/rotation/run-rotation-jobs.js';
import { classifyEvent, type Signal } from '../features/trail-signals/domain.js';
import type { TrailSignalDeps } from '../features/trail-signals/run-trail-signals.js';
import { FIRST_LOOKBACK_MS, LATE_MS, TRAIL_CURSOR } from '../features/trail-signals/run-trail-signals.js';

/** One thing `jobs` would do now: which job, what, to what, and what else follows (DMs, posts). */
export interface PlannedStep {
  readonly job: 'rotation' | 'retired_key' | 'mfa_reset' | 'cloudtrail' | 'outbox';
  readonly action: string;
  readonly subject: string;
  readonly detail?: string;
  /** Not a step the jobs would take: something that kept the plan from being complete. */
  readonly warning?: boolean;
}

export interface PlanDeps {
  readonly rotation: RotationDeps;
  readonly retire: RetireDeps;
  readonly mfaReset: MfaResetDeps;
  readonly signals: TrailSignalDeps;
}

/** DMs and posts due now that a dry run lists one by one; past this the rest are counted. */
const OUTBOX_SHOWN = 500;

async function planRotations(deps: RotationDeps, now: number): Promise<PlannedStep[]> {
  const steps: PlannedStep[] = [];
  const open = await deps.store.inStates(OPEN_STATES);
  for (const r of open) {
    const subject = `${r.oldKeyId} of ${r.iamUser} (${r.accountId}), request ${r.id}`;
    if (r.state === 'approved')
      steps.push({
        job: 'rotation',
        action: 'resume rotation',
        subject,
        detail: 'create the new key, store it in Secrets Manager, DM the owner',
      });
    else if (r.state === 'key_created')
      steps.push({
        job: 'rotation',
        action: 'resume delivery',
        subject,
        detail: 'store the new key in Secrets Manager, DM the owner',
      });
    const step = dueLifecycleStep(r, now);
    if (step === 'expire')
      steps.push({
        job: 'rotation',
        action: 'expire request',
        subject,
        detail: 'update the approval message, tell the requester',
      });
    if (step === 'deactivate') {
      // The same read the job makes: whether the old key was used since the new one was made.
      const last = await deps.keys.lastUsed(r.oldKeyId, r.accountId);
      const verdict = oldKeyVerdict(r, last?.date.getTime());
      steps.push(
        verdict === 'postpone'
          ? {
              job: 'rotation',
              action: 'postpone deactivation of old key',
              subject,
              detail: `used ${last?.date.toISOString()}: one more grace period; DM the owner, alert security and the approvers`,
            }
          : {
              job: 'rotation',
              action: 'deactivate old key',
              subject,
              detail:
                verdict === 'deactivate_in_use'
                  ? 'still in use: DM the owner, alert security and the approvers'
                  : 'DM the owner',
            },
      );
    }
    if (step === 'delete')
      steps.push({ job: 'rotation', action: 'delete old key', subject, detail: 'DM the owner' });
  }
  for (const r of await deps.store.inStates(['failed']))
    if (!r.orphansChecked && r.attemptStartedAt !== undefined)
      steps.push({
        job: 'rotation',
        action: 'check a failed attempt for a key no secret holds',
        subject: `request ${r.id} (${r.iamUser})`,
      });
  for (const r of await deps.store.unsynced())
    steps.push({
      job: 'rotation',
      action: 'update approval message',
      subject: `request ${r.id} (${r.state})`,
    });
  return steps;
}

export async function planRetirements(deps: RetireDeps, now: number): Promise<PlannedStep[]> {
  const steps: PlannedStep[] = [];
  for (const row of await deps.retirements.inStates(['deactivating', 'deactivated'])) {
    const subject = `${row.id} of ${row.iamUser} (${row.accountId})`;
    if (row.state === 'deactivating') {
      steps.push({
        job: 'retired_key',
        action: 'finish deactivating retired key',
        subject,
        detail: 'DM the owner',
      });
      continue;
    }
    if (row.deleteAfter === undefined || row.deleteAfter > now) continue;
    const key = (await deps.keys.listAccessKeys(row.iamUser, row.accountId)).find(
      (k) => k.accessKeyId === row.id,
    );
    steps.push(
      key?.status === 'Active'
        ? { job: 'retired_key', action: 'keep retired key (switched back on outside the bot)', subject }
        : { job: 'retired_key', action: 'delete retired key', subject, detail: 'DM the owner' },
    );
  }
  return steps;
}

export async function planResets(deps: MfaResetDeps, now: number): Promise<PlannedStep[]> {
  const steps: PlannedStep[] = [];
  for (const r of await deps.resets.inStates(['requested', 'approved', 'removed'])) {
    const subject = `${r.serialNumber} of ${r.iamUser} (${r.accountId}), reset ${r.id}`;
    if (r.state === 'requested' && now >= r.expiresAt)
      steps.push({
        job: 'mfa_reset',
        action: 'expire reset request',
        subject,
        detail: 'update the approval message, tell the requester',
      });
    else if (r.state === 'approved')
      steps.push({
        job: 'mfa_reset',
        action: 'resume reset: remove the MFA device',
        subject,
        detail: 'DM the owner',
      });
    else if (r.state === 'removed' && r.reenrolDue !== undefined && now >= r.reenrolDue)
      steps.push(
        reenrolled(await deps.iam.listMfaDevices(r.iamUser, r.accountId))
          ? { job: 'mfa_reset', action: 'record re-enrolment', subject }
          : {
              job: 'mfa_reset',
              action: 're-enrolment overdue',
              subject,
              detail: 'DM the owner, alert security',
            },
      );
  }
  for (const r of await deps.resets.where('message_synced = 0', []))
    steps.push({
      job: 'mfa_reset',
      action: 'update approval message',
      subject: `reset ${r.id} (${r.state})`,
    });
  return steps;
}

/** The CloudTrail events the signals job would read now, and what it would say about those not yet handled. */
async function planSignals(deps: TrailSignalDeps, now: Date): Promise<PlannedStep[]> {
  const cursor = await deps.scans.cursor(TRAIL_CURSOR);
  const since = new Date(cursor ? Date.parse(cursor) - LATE_MS : now.getTime() - FIRST_LOOKBACK_MS);
  let events: Awaited<ReturnType<TrailSignalDeps['events']['eventsBetween']>>;
  try {
    events = await deps.events.eventsBetween(since, now);
  } catch (error) {
    // Whatever CloudTrail does (refuses, throttles, is unreachable), it is one warning step: the rest is still planned.
    const reason =
      error instanceof FactError
        ? `${error.reason.action}: ${error.reason.kind}${error.reason.code ? ` (${error.reason.code})` : ''}`
        : (operatorSentence(error) ?? (error as Error).message);
    return [
      { job: 'cloudtrail', action: 'warning: CloudTrail could not be read', subject: reason, warning: true },
    ];
  }
  const botArn = await deps.botArn().catch(() => '');
  const steps: PlannedStep[] = [];
  for (const signal of events
    .map((e) => classifyEvent(e, botArn))
    .filter((s): s is Signal => s !== undefined)) {
    const key = signal.kind === 'root_activity' ? signal.dedupeKey : `${signal.kind}:${signal.event.eventId}`;
    if (await deps.scans.wasSeen(key)) continue;
    const subject = `${signal.event.eventName} at ${signal.event.eventTime.toISOString()}`;
    if (signal.kind === 'root_activity')
      steps.push({ job: 'cloudtrail', action: 'alert security: root activity', subject });
    else if (signal.kind === 'key_created_outside')
      steps.push({
        job: 'cloudtrail',
        action: 'tell owner and security: key created outside the bot',
        subject,
        detail: signal.targetUserArn,
      });
    else
      steps.push({
        job: 'cloudtrail',
        action: 'nudge: console sign-in without MFA (unless they have MFA now)',
        subject,
        detail: signal.userArn,
      });
  }
  return steps;
}

async function planOutbox(deps: RotationDeps, now: number): Promise<PlannedStep[]> {
  const due = await deps.store.peekDue(now, OUTBOX_SHOWN + 1);
  const steps: PlannedStep[] = due.slice(0, OUTBOX_SHOWN).map((m) => ({
    job: 'outbox',
    action: /^[CG]/.test(m.channel) ? 'post queued message' : 'send queued DM',
    subject: m.channel,
    detail: m.notice.kind,
  }));
  if (due.length > OUTBOX_SHOWN)
    steps.push({ job: 'outbox', action: 'and more queued messages', subject: `over ${OUTBOX_SHOWN}` });
  return steps;
}

/**
 * What `jobs` would do now, read without changing anything: not IAM, not Secrets Manager, not Slack, not the store.
 * It asks the questions the jobs ask (which steps are due, whether an old key was used since, whether a retired key
 * was switched back on, whether a device was enrolled again, which CloudTrail events are new) with reads only.
 */
export async function planJobs(deps: PlanDeps): Promise<PlannedStep[]> {
  const now = deps.rotation.clock.now();
  const at = now.getTime();
  return [
    ...(await planRotations(deps.rotation, at)),
    ...(await planRetirements(deps.retire, at)),
    ...(await planResets(deps.mfaReset, at)),
    ...(await planSignals(deps.signals, now)),
    ...(await planOutbox(deps.rotation, at)),
  ];
}
