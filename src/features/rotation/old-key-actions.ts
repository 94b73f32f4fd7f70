import { FactError } from '../../errors.js';
import type { Outgoing } from '../../kernel/ports.js';
import { apply } from './apply.js';
import { RELEASED, type RotationRequest, type RotationState } from './domain.js';
import type { RotationDeps } from './ports.js';

export type OwnerActionResult = 'done' | 'not_owner' | 'not_now' | 'failed';

/** How long one step on the old key may take before another runner may try it. */
const STEP_LEASE_MS = 2 * 60_000;

/** The right to act on the old key in `state`, for this process alone, for a short while. */
export async function claim(deps: RotationDeps, r: RotationRequest, state: RotationState): Promise<boolean> {
  const now = deps.clock.now().getTime();
  return deps.store.lease(r.id, state, now, now + STEP_LEASE_MS, deps.holder);
}

/** Gives a claim back after a failure, so the next run may try again at once. */
export const release = (deps: RotationDeps, r: RotationRequest) => deps.store.update(r.id, RELEASED);

/** The request, if `slackUserId` owns its key and it is in `state`; otherwise why not. */
async function ownerRequest(
  deps: RotationDeps,
  requestId: string,
  slackUserId: string,
  state: RotationState,
): Promise<RotationRequest | 'not_owner' | 'not_now'> {
  const r = await deps.store.get(requestId);
  if (!r) return 'not_now';
  if (r.requesterSlackId !== slackUserId) return 'not_owner';
  return r.state === state ? r : 'not_now';
}

/** "I've switched — deactivate the old key now": the owner ends the grace period early. */
export async function deactivateOldKeyNow(
  deps: RotationDeps,
  requestId: string,
  slackUserId: string,
): Promise<OwnerActionResult> {
  const owned = await ownerRequest(deps, requestId, slackUserId, 'delivered');
  if (typeof owned === 'string') return owned;
  return deactivateOldKey(deps, requestId, slackUserId);
}

/** AWS first, then the record: after a crash in between, doing it again is harmless. */
export async function deactivateOldKey(
  deps: RotationDeps,
  requestId: string,
  actor: string,
  alsoNotify: readonly Outgoing[] = [],
): Promise<OwnerActionResult> {
  const r = await deps.store.get(requestId);
  if (r?.state !== 'delivered') return 'not_now';
  // Claimed like a rotation: a second runner (another replica, `jobs`, a click) sees the claim and does nothing.
  if (!(await claim(deps, r, 'delivered'))) return 'not_now';
  try {
    await deps.keys.setAccessKeyStatus(r.iamUser, r.oldKeyId, 'Inactive', r.accountId);
  } catch (error) {
    if (!(error instanceof FactError) || error.reason.kind !== 'not_found') {
      deps.logger.error({ err: error, requestId }, 'could not deactivate the old key');
      await release(deps, r);
      return 'failed';
    }
  }
  const moved = await apply(
    deps,
    r,
    { kind: 'old_deactivated', at: deps.clock.now().getTime() },
    actor,
    alsoNotify,
  );
  if (moved) deps.logger.info({ requestId, oldKeyId: r.oldKeyId }, 'old key deactivated');
  return moved ? 'done' : 'not_now';
}

/**
 * The owner still needs the old key: it is switched back on for one grace period at most (then the schedule resumes,
 * and no further postponement is granted), and the security channel is told.
 */
export async function reactivateOldKey(
  deps: RotationDeps,
  requestId: string,
  slackUserId: string,
): Promise<OwnerActionResult> {
  const r = await ownerRequest(deps, requestId, slackUserId, 'old_deactivated');
  if (typeof r === 'string') return r;
  if (!(await claim(deps, r, 'old_deactivated'))) return 'not_now';
  try {
    await deps.keys.setAccessKeyStatus(r.iamUser, r.oldKeyId, 'Active', r.accountId);
  } catch (error) {
    deps.logger.error({ err: error, requestId }, 'could not reactivate the old key');
    await release(deps, r);
    return 'failed';
  }
  const moved = await apply(
    deps,
    r,
    { kind: 'old_reactivated', at: deps.clock.now().getTime() },
    slackUserId,
  );
  return moved ? 'done' : 'not_now';
}
