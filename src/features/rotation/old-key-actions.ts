import { FactError } from '../../errors.js';
import { RELEASED } from '../../kernel/domain/workflow.js';
import type { Outgoing } from '../../kernel/outbox/ports.js';
import { claim } from '../../kernel/workflow/move.js';
import { apply } from './apply.js';
import type { RotationRequest, RotationState } from './domain.js';
import type { RotationDeps } from './ports.js';

export type OwnerActionResult = 'done' | 'not_owner' | 'not_now' | 'failed';

/** What an owner's button did, with the request as it now is (when it is theirs). */
export interface OwnerAction {
  readonly outcome: OwnerActionResult;
  readonly request?: RotationRequest | undefined;
}

/** The right to act on the old key in `state`, for this process alone, for a short while: the row so held. */
export const claimStep = (deps: RotationDeps, r: RotationRequest, state: RotationState) =>
  claim(deps.store, r, state, { now: deps.clock.now().getTime(), holder: deps.holder });

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
): Promise<OwnerAction> {
  const owned = await ownerRequest(deps, requestId, slackUserId, 'delivered');
  if (typeof owned === 'string') return { outcome: owned };
  return { outcome: await deactivateOldKey(deps, owned, slackUserId), request: owned };
}

/** AWS first, then the record: after a crash in between, doing it again is harmless. */
export async function deactivateOldKey(
  deps: RotationDeps,
  request: RotationRequest,
  actor: string,
  alsoNotify: readonly Outgoing[] = [],
): Promise<OwnerActionResult> {
  // Claimed like a rotation: a second runner (another replica, `jobs`, a click) sees the claim and does nothing.
  const r = await claimStep(deps, request, 'delivered');
  if (!r) return 'not_now';
  try {
    await deps.keys.setAccessKeyStatus(r.iamUser, r.oldKeyId, 'Inactive', r.accountId);
  } catch (error) {
    if (!(error instanceof FactError) || error.reason.kind !== 'not_found') {
      deps.logger.error({ err: error, requestId: r.id }, 'could not deactivate the old key');
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
  if (moved) deps.logger.info({ requestId: r.id, oldKeyId: r.oldKeyId }, 'old key deactivated');
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
): Promise<OwnerAction> {
  const owned = await ownerRequest(deps, requestId, slackUserId, 'old_deactivated');
  if (typeof owned === 'string') return { outcome: owned };
  const r = await claimStep(deps, owned, 'old_deactivated');
  if (!r) return { outcome: 'not_now', request: owned };
  try {
    await deps.keys.setAccessKeyStatus(r.iamUser, r.oldKeyId, 'Active', r.accountId);
  } catch (error) {
    deps.logger.error({ err: error, requestId }, 'could not reactivate the old key');
    await release(deps, r);
    return { outcome: 'failed', request: r };
  }
  const moved = await apply(
    deps,
    r,
    { kind: 'old_reactivated', at: deps.clock.now().getTime() },
    slackUserId,
  );
  return moved ? { outcome: 'done', request: moved } : { outcome: 'not_now', request: r };
}

/** Whether a key has an open rotation (the request modal says so before anything is filed). */
export async function inRotation(deps: Pick<RotationDeps, 'store'>, accessKeyId: string): Promise<boolean> {
  return (await deps.store.openRequestForKey(accessKeyId)) !== undefined;
}
