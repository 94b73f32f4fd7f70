import { FactError } from '../../errors.js';
import type { KeyUseEvent } from '../../kernel/aws-ports.js';
import { RELEASED, SYSTEM } from '../../kernel/domain/workflow.js';
import type { Outgoing } from '../../kernel/outbox/ports.js';
import { syncStaleMessages } from '../../kernel/workflow/sync.js';
import { apply } from './apply.js';
import { expireRotation } from './decide-rotation.js';
import {
  deactivateAfter,
  dueLifecycleStep,
  type OldKeyVerdict,
  oldKeyVerdict,
  type RotationNotice,
  type RotationRequest,
  secretNameFor,
  UNFINISHED_STATES,
  usedSince,
} from './domain.js';
import { cleanUpUnheldKeys, deliverKey, executeRotation } from './execute-rotation.js';
import { claimStep, deactivateOldKey, release } from './old-key-actions.js';
import type { RotationDeps, RotationStore } from './ports.js';

export interface JobReport {
  expired: number;
  resumed: number;
  deactivated: number;
  postponed: number;
  deleted: number;
  /** Keys a failed attempt left that no secret holds, deleted. */
  orphansDeleted: number;
  messagesSynced: number;
  errors: number;
}

export const emptyReport = (): JobReport => ({
  expired: 0,
  resumed: 0,
  deactivated: 0,
  postponed: 0,
  deleted: 0,
  orphansDeleted: 0,
  messagesSynced: 0,
  errors: 0,
});

/** One thing the rotation jobs have to do now. */
export interface RotationStep {
  readonly kind: 'resume' | 'deliver' | 'expire' | 'deactivate' | 'delete' | 'check_orphans';
  readonly request: RotationRequest;
}

/**
 * What the rotation jobs have to do now, and only that: the one rule the jobs act on and their dry-run plan describes.
 * Pure reads of the store; the clock is an argument.
 */
export async function dueRotationSteps(
  store: Pick<RotationStore, 'inStates'>,
  now: number,
): Promise<RotationStep[]> {
  const steps: RotationStep[] = [];
  for (const request of await store.inStates(UNFINISHED_STATES)) {
    if (request.state === 'approved') steps.push({ kind: 'resume', request });
    else if (request.state === 'key_created') steps.push({ kind: 'deliver', request });
    else {
      const step = dueLifecycleStep(request, now);
      if (step) steps.push({ kind: step, request });
    }
  }
  // A failed attempt whose CreateAccessKey answer was lost may have left a key nobody holds: looked for once.
  for (const request of await store.inStates(['failed']))
    if (!request.orphansChecked && request.attemptStartedAt !== undefined)
      steps.push({ kind: 'check_orphans', request });
  return steps;
}

/** The old key at the end of its grace period, as the job (and its plan) sees it: its last use and the verdict. */
export async function oldKeyAtDeadline(
  deps: Pick<RotationDeps, 'keys'>,
  r: RotationRequest,
): Promise<{ lastUsedAt: number | undefined; verdict: OldKeyVerdict }> {
  // An old key already gone (a leaked key deleted to make room) cannot be in use: it is switched off on the record.
  const last = await deps.keys.lastUsed(r.oldKeyId, r.accountId).catch((error: unknown) => {
    if (error instanceof FactError && error.reason.kind === 'not_found') return undefined;
    throw error;
  });
  const lastUsedAt = last?.date.getTime();
  return { lastUsedAt, verdict: oldKeyVerdict(r, lastUsedAt) };
}

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
  const notice: RotationNotice = {
    kind: 'old_key_in_use_alert',
    requestId: r.id,
    outcome,
    events: asJson(events),
  };
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
  request: RotationRequest,
): Promise<'deactivated' | 'postponed' | 'none'> {
  const { lastUsedAt, verdict } = await oldKeyAtDeadline(deps, request);
  const since = usedSince(request);
  if (verdict === 'postpone') {
    const r = await claimStep(deps, request, 'delivered');
    if (!r) return 'none';
    const events = await whereStillUsed(deps, r, since);
    const now = deps.clock.now().getTime();
    const owner: Outgoing = {
      channel: r.requesterSlackId,
      notice: { kind: 'old_key_in_use', requestId: r.id, events: asJson(events) } satisfies RotationNotice,
    };
    // The new schedule and the notices are one write: a crash cannot postpone without telling.
    await deps.store.update(
      r.id,
      {
        deactivateAfter: deactivateAfter(now, deps.config),
        postponedAt: now,
        lastUseSeenAt: lastUsedAt,
        ...RELEASED,
      },
      { notify: [owner, ...inUseAlerts(deps, r, events, 'postponed')] },
    );
    deps.logger.warn(
      { requestId: r.id, oldKeyId: r.oldKeyId },
      'old key still in use; deactivation postponed once',
    );
    return 'postponed';
  }
  const alerts =
    verdict === 'deactivate_in_use'
      ? inUseAlerts(deps, request, await whereStillUsed(deps, request, since), 'deactivated')
      : [];
  const outcome = await deactivateOldKey(deps, request, SYSTEM, alerts);
  if (outcome === 'done' && alerts.length > 0)
    deps.logger.warn(
      { requestId: request.id, oldKeyId: request.oldKeyId },
      'old key deactivated while still in use',
    );
  return outcome === 'done' ? 'deactivated' : 'none';
}

async function deleteOldKey(deps: RotationDeps, request: RotationRequest): Promise<boolean> {
  const r = await claimStep(deps, request, 'old_deactivated');
  if (!r) return false;
  try {
    await deps.keys.deleteAccessKey(r.iamUser, r.oldKeyId, r.accountId);
  } catch (error) {
    if (!(error instanceof FactError) || error.reason.kind !== 'not_found') {
      await release(deps, r);
      throw error;
    }
  }
  return (
    (await apply(deps, r, { kind: 'old_deleted', at: deps.clock.now().getTime() }, SYSTEM)) !== undefined
  );
}

async function checkOrphans(deps: RotationDeps, r: RotationRequest): Promise<number> {
  const name = secretNameFor(deps.config.secretPrefix, r.accountId, r.iamUser);
  const deleted = await cleanUpUnheldKeys(deps, r, name);
  await deps.store.update(r.id, { orphansChecked: true });
  return deleted;
}

/** Carries out one due step, counting what it did. */
async function runStep(deps: RotationDeps, step: RotationStep, report: JobReport): Promise<void> {
  const r = step.request;
  switch (step.kind) {
    case 'resume':
      if ((await executeRotation(deps, r)) !== 'skipped') report.resumed++;
      return;
    case 'deliver':
      await deliverKey(deps, r);
      report.resumed++;
      return;
    case 'expire':
      if (await expireRotation(deps, r)) report.expired++;
      return;
    case 'deactivate': {
      const outcome = await deactivateOrPostpone(deps, r);
      if (outcome === 'deactivated') report.deactivated++;
      if (outcome === 'postponed') report.postponed++;
      return;
    }
    case 'delete':
      if (await deleteOldKey(deps, r)) report.deleted++;
      return;
    case 'check_orphans':
      report.orphansDeleted += await checkOrphans(deps, r);
      return;
  }
}

/**
 * Everything the rotation needs done over time, and after a restart: expire stale requests, resume rotations a crash
 * interrupted, deactivate and delete old keys on schedule, repair approval messages. Idempotent. What it queues is
 * sent by the one deliverer.
 */
export async function runRotationJobs(deps: RotationDeps): Promise<JobReport> {
  const report = emptyReport();
  for (const step of await dueRotationSteps(deps.store, deps.clock.now().getTime())) {
    try {
      await runStep(deps, step, report);
    } catch (error) {
      report.errors++;
      deps.logger.error(
        { err: error, requestId: step.request.id, state: step.request.state, step: step.kind },
        'rotation job step failed; will retry',
      );
    }
  }
  report.messagesSynced += await syncStaleMessages({
    table: deps.store,
    board: deps.board,
    logger: deps.logger,
  });
  return report;
}
