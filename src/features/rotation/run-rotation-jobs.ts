import { FactError } from '../../errors.js';
import { HOUR_MS } from '../../kernel/domain/time.js';
import type { KeyUseEvent, Notice, OutboxMessage, Outgoing } from '../../kernel/ports.js';
import { apply, toOwner } from './apply.js';
import { expireRotation } from './decide-rotation.js';
import {
  deactivateAfter,
  dueLifecycleStep,
  oldKeyVerdict,
  RELEASED,
  type RotationRequest,
  secretNameFor,
  usedSince,
} from './domain.js';
import { cleanUpUnheldKeys, deliverKey, executeRotation } from './execute-rotation.js';
import { claim, deactivateOldKey, release } from './old-key-actions.js';
import { type RotationDeps, SYSTEM } from './ports.js';
import { syncApprovalMessage } from './sync-approval-message.js';

export interface JobReport {
  expired: number;
  resumed: number;
  deactivated: number;
  postponed: number;
  deleted: number;
  /** Keys a failed attempt left that no secret holds, deleted. */
  orphansDeleted: number;
  messagesSynced: number;
  dmsSent: number;
  dmsFailed: number;
  errors: number;
}

/** The states in which a rotation still has work the jobs may do. */
export const OPEN_STATES = ['requested', 'approved', 'key_created', 'delivered', 'old_deactivated'] as const;

const OUTBOX_BATCH = 50;
/** A claimed batch is this flusher's to send; if it dies, the rows are due again after this. */
const OUTBOX_CLAIM_MS = 2 * 60_000;
/** At most 10,000 DMs in one run; the rest go in the next. */
const OUTBOX_MAX_BATCHES = 200;
const backoffMs = (attempts: number) => Math.min(2 ** attempts * 30_000, HOUR_MS);

async function whereStillUsed(deps: RotationDeps, r: RotationRequest, since: number): Promise<KeyUseEvent[]> {
  try {
    return await deps.keyTrail.recentUseOfKey(r.oldKeyId, new Date(since), 5, r.accountId);
  } catch (error) {
    // Without CloudTrail the owner still learns that the key is in use, just not where.
    deps.logger.warn(
      { requestId: r.id, kind: error instanceof FactError ? error.reason.kind : 'other' },
      'could not look up old key use',
    );
    return [];
  }
}

const asJson = (events: readonly KeyUseEvent[]) =>
  events.map((e) => ({ ...e, eventTime: e.eventTime.toISOString() }));

/** An old key still in use after a rotation may be in a thief's hands: security and the approvers see the evidence. */
function inUseAlerts(
  deps: RotationDeps,
  r: RotationRequest,
  events: readonly KeyUseEvent[],
  outcome: 'postponed' | 'deactivated',
): Outgoing[] {
  const notice: Notice = { kind: 'old_key_in_use_alert', requestId: r.id, outcome, events: asJson(events) };
  const approvers = (r.decidedBy ?? '').split(',').filter((a) => a && a !== r.requesterSlackId);
  const channel = deps.config.securityChannel;
  return [...(channel ? [channel] : []), ...approvers].map((to) => ({ channel: to, notice }));
}

/**
 * At the end of the grace period the old key is switched off. Use since the previous look (the new key's creation,
 * then the postponement) puts it off once, with the owner shown where; use after that does not: the key is switched
 * off anyway. Both times security and the approvers are told.
 */
async function deactivateOrPostpone(
  deps: RotationDeps,
  r: RotationRequest,
): Promise<'deactivated' | 'postponed' | 'none'> {
  // An old key already gone (a leaked key deleted to make room) cannot be in use: it is switched off on the record.
  const last = await deps.keys.lastUsed(r.oldKeyId, r.accountId).catch((error: unknown) => {
    if (error instanceof FactError && error.reason.kind === 'not_found') return undefined;
    throw error;
  });
  const verdict = oldKeyVerdict(r, last?.date.getTime());
  if (verdict === 'postpone' && !(await claim(deps, r, 'delivered'))) return 'none';
  const since = usedSince(r);
  if (verdict === 'postpone') {
    const events = await whereStillUsed(deps, r, since);
    const now = deps.clock.now().getTime();
    await deps.store.update(r.id, {
      deactivateAfter: deactivateAfter(now, deps.config),
      postponedAt: now,
      lastUseSeenAt: last?.date.getTime(),
      ...RELEASED,
    });
    const owner = toOwner(r, { kind: 'old_key_in_use', requestId: r.id, events: asJson(events) });
    for (const out of [owner, ...inUseAlerts(deps, r, events, 'postponed')])
      await deps.store.enqueue(out, now);
    deps.logger.warn(
      { requestId: r.id, oldKeyId: r.oldKeyId },
      'old key still in use; deactivation postponed once',
    );
    return 'postponed';
  }
  const alerts =
    verdict === 'deactivate_in_use'
      ? inUseAlerts(deps, r, await whereStillUsed(deps, r, since), 'deactivated')
      : [];
  const outcome = await deactivateOldKey(deps, r.id, SYSTEM, alerts);
  if (outcome === 'done' && alerts.length > 0)
    deps.logger.warn({ requestId: r.id, oldKeyId: r.oldKeyId }, 'old key deactivated while still in use');
  return outcome === 'done' ? 'deactivated' : 'none';
}

async function deleteOldKey(deps: RotationDeps, r: RotationRequest): Promise<boolean> {
  if (!(await claim(deps, r, 'old_deactivated'))) return false;
  try {
    await deps.keys.deleteAccessKey(r.iamUser, r.oldKeyId, r.accountId);
  } catch (error) {
    if (!(error instanceof FactError) || error.reason.kind !== 'not_found') {
      await release(deps, r);
      throw error;
    }
  }
  return apply(deps, r, { kind: 'old_deleted', at: deps.clock.now().getTime() }, SYSTEM);
}

export const emptyReport = (): JobReport => ({
  expired: 0,
  resumed: 0,
  deactivated: 0,
  postponed: 0,
  deleted: 0,
  orphansDeleted: 0,
  messagesSynced: 0,
  dmsSent: 0,
  dmsFailed: 0,
  errors: 0,
});

/** Sends queued DMs; a failure (429 after the client's retries, 5xx) stays queued with a growing delay. */
export async function flushOutbox(deps: RotationDeps, report: JobReport): Promise<void> {
  const now = deps.clock.now().getTime();
  // Batch after batch until nothing is due: a scan can queue thousands of nudges, and they should not wait for
  // dozens of runs. Sent and failed messages both leave the due set, so this ends; the cap bounds one run.
  for (let batch = 0; batch < OUTBOX_MAX_BATCHES; batch++) {
    const due = await deps.store.claimDue(now, OUTBOX_BATCH, OUTBOX_CLAIM_MS);
    if (due.length === 0) return;
    await sendBatch(deps, report, due, now);
  }
}

async function sendBatch(
  deps: RotationDeps,
  report: JobReport,
  due: OutboxMessage[],
  now: number,
): Promise<void> {
  for (const m of due) {
    try {
      await deps.messenger.send(m.channel, m.notice);
      await deps.store.markSent(m.id, deps.clock.now().getTime());
      report.dmsSent++;
    } catch (error) {
      const code =
        (error as { code?: string; data?: { error?: string } }).data?.error ??
        (error as { code?: string }).code ??
        'error';
      await deps.store.markFailed(m.id, code, now + backoffMs(m.attempts + 1));
      deps.logger.warn(
        { outboxId: m.id, kind: m.notice.kind, requestId: m.notice.requestId, code },
        'DM not sent; will retry',
      );
      report.dmsFailed++;
    }
  }
}

/** A failed attempt whose CreateAccessKey answer was lost may have left a key nobody holds: remove it, once. */
async function cleanUpFailedAttempts(deps: RotationDeps, report: JobReport): Promise<void> {
  for (const r of await deps.store.inStates(['failed'])) {
    if (r.orphansChecked || r.attemptStartedAt === undefined) continue;
    try {
      const name = secretNameFor(deps.config.secretPrefix, r.accountId, r.iamUser);
      report.orphansDeleted += await cleanUpUnheldKeys(deps, r, name);
      await deps.store.update(r.id, { orphansChecked: true });
    } catch (error) {
      report.errors++;
      deps.logger.error(
        { err: error, requestId: r.id },
        'could not check a failed rotation for an unheld key',
      );
    }
  }
}

/**
 * Everything the rotation needs done over time, and after a restart: expire stale requests, resume rotations a crash
 * interrupted, deactivate and delete old keys on schedule, repair approval messages, send queued DMs. Idempotent.
 */
export async function runRotationJobs(deps: RotationDeps): Promise<JobReport> {
  const report = emptyReport();
  const open = await deps.store.inStates(OPEN_STATES);
  const now = deps.clock.now().getTime();
  for (const r of open) {
    try {
      if (r.state === 'approved') {
        if ((await executeRotation(deps, r.id)) !== 'skipped') report.resumed++;
        continue;
      }
      if (r.state === 'key_created') {
        await deliverKey(deps, r);
        report.resumed++;
        continue;
      }
      const step = dueLifecycleStep(r, now);
      if (step === 'expire' && (await expireRotation(deps, r))) report.expired++;
      if (step === 'deactivate') {
        const outcome = await deactivateOrPostpone(deps, r);
        if (outcome === 'deactivated') report.deactivated++;
        if (outcome === 'postponed') report.postponed++;
      }
      if (step === 'delete' && (await deleteOldKey(deps, r))) report.deleted++;
    } catch (error) {
      report.errors++;
      deps.logger.error(
        { err: error, requestId: r.id, state: r.state },
        'rotation job step failed; will retry',
      );
    }
  }
  await cleanUpFailedAttempts(deps, report);
  for (const r of await deps.store.unsynced()) {
    if (await syncApprovalMessage(deps, r.id)) report.messagesSynced++;
  }
  await flushOutbox(deps, report);
  return report;
}
