import { deactivateAfter, dueLifecycleStep, type RotationRequest } from '../../domain/rotation.js';
import { FactError, type KeyUseEvent, type OutboxMessage } from '../ports.js';
import { type RotationDeps, SYSTEM } from './deps.js';
import { deliverKey, executeRotation } from './execute-rotation.js';
import { decisionNotices, toOwner } from './notify.js';
import { deactivateOldKey } from './old-key-actions.js';
import { syncApprovalMessage } from './sync-approval-message.js';

export interface JobReport {
  expired: number;
  resumed: number;
  deactivated: number;
  postponed: number;
  deleted: number;
  messagesSynced: number;
  dmsSent: number;
  dmsFailed: number;
  errors: number;
}

const OUTBOX_BATCH = 50;
/** At most 10,000 DMs in one run; the rest go in the next. */
const OUTBOX_MAX_BATCHES = 200;
const backoffMs = (attempts: number) => Math.min(2 ** attempts * 30_000, 3_600_000);

async function expire(deps: RotationDeps, r: RotationRequest): Promise<boolean> {
  const moved = await deps.store.transition(r.id, ['requested'], 'expired', {}, SYSTEM, {
    notify: decisionNotices(r, []),
  });
  if (moved) await syncApprovalMessage(deps, r.id);
  return moved;
}

async function whereStillUsed(deps: RotationDeps, r: RotationRequest): Promise<KeyUseEvent[]> {
  try {
    return await deps.keyTrail.recentUseOfKey(r.oldKeyId, new Date(r.newKeyCreatedAt ?? r.createdAt), 5);
  } catch (error) {
    // Without CloudTrail the owner still learns that the key is in use, just not where.
    deps.logger.warn(
      { requestId: r.id, kind: error instanceof FactError ? error.reason.kind : 'other' },
      'could not look up old key use',
    );
    return [];
  }
}

/**
 * After the grace period the old key is switched off, unless it was used after the new key was made: then the owner
 * is shown where, and it waits one more grace period.
 */
async function deactivateOrPostpone(
  deps: RotationDeps,
  r: RotationRequest,
): Promise<'deactivated' | 'postponed' | 'none'> {
  const last = await deps.keys.lastUsed(r.oldKeyId);
  if (last && r.newKeyCreatedAt !== undefined && last.date.getTime() > r.newKeyCreatedAt) {
    const events = await whereStillUsed(deps, r);
    const now = deps.clock.now().getTime();
    await deps.store.update(r.id, { deactivateAfter: deactivateAfter(now, deps.config) });
    await deps.store.enqueue(
      toOwner(r, {
        kind: 'old_key_in_use',
        requestId: r.id,
        events: events.map((e) => ({ ...e, eventTime: e.eventTime.toISOString() })),
      }),
      now,
    );
    deps.logger.info(
      { requestId: r.id, oldKeyId: r.oldKeyId },
      'old key still in use; deactivation postponed',
    );
    return 'postponed';
  }
  return (await deactivateOldKey(deps, r.id, SYSTEM)) === 'done' ? 'deactivated' : 'none';
}

async function deleteOldKey(deps: RotationDeps, r: RotationRequest): Promise<boolean> {
  try {
    await deps.keys.deleteAccessKey(r.iamUser, r.oldKeyId);
  } catch (error) {
    if (!(error instanceof FactError) || error.reason.kind !== 'not_found') throw error;
  }
  return deps.store.transition(
    r.id,
    ['old_deactivated'],
    'old_deleted',
    { deletedAt: deps.clock.now().getTime() },
    SYSTEM,
    {
      notify: [toOwner(r, { kind: 'old_key_deleted', requestId: r.id })],
    },
  );
}

/** Sends what a person's action queued right away, instead of at the next scheduled run. */
export async function sendQueued(deps: RotationDeps): Promise<void> {
  await flushOutbox(deps, emptyReport()).catch((error) =>
    deps.logger.error({ err: error }, 'outbox flush failed'),
  );
}

export const emptyReport = (): JobReport => ({
  expired: 0,
  resumed: 0,
  deactivated: 0,
  postponed: 0,
  deleted: 0,
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
    const due = await deps.store.dueMessages(now, OUTBOX_BATCH);
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

/**
 * Everything the rotation needs done over time, and after a restart: expire stale requests, resume rotations a crash
 * interrupted, deactivate and delete old keys on schedule, repair approval messages, send queued DMs. Idempotent.
 */
export async function runRotationJobs(deps: RotationDeps): Promise<JobReport> {
  const report = emptyReport();
  const open = await deps.store.inStates([
    'requested',
    'approved',
    'key_created',
    'delivered',
    'old_deactivated',
  ]);
  const now = deps.clock.now().getTime();
  for (const r of open) {
    try {
      if (r.state === 'approved' && (r.leaseUntil === undefined || r.leaseUntil < now)) {
        if ((await executeRotation(deps, r.id)) !== 'skipped') report.resumed++;
        continue;
      }
      if (r.state === 'key_created') {
        await deliverKey(deps, r);
        report.resumed++;
        continue;
      }
      const step = dueLifecycleStep(r, now);
      if (step === 'expire' && (await expire(deps, r))) report.expired++;
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
  for (const r of await deps.store.unsynced()) {
    if (await syncApprovalMessage(deps, r.id)) report.messagesSynced++;
  }
  await flushOutbox(deps, report);
  return report;
}
