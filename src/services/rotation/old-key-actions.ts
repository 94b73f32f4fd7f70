import { deleteAfter, type RotationRequest, type RotationState } from '../../domain/rotation.js';
import { FactError } from '../ports.js';
import type { RotationDeps } from './deps.js';
import { toOwner } from './notify.js';

export type OwnerActionResult = 'done' | 'not_owner' | 'not_now' | 'failed';

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
): Promise<OwnerActionResult> {
  const r = await deps.store.get(requestId);
  if (r?.state !== 'delivered') return 'not_now';
  try {
    await deps.keys.setAccessKeyStatus(r.iamUser, r.oldKeyId, 'Inactive');
  } catch (error) {
    if (!(error instanceof FactError) || error.reason.kind !== 'not_found') {
      deps.logger.error({ err: error, requestId }, 'could not deactivate the old key');
      return 'failed';
    }
  }
  const now = deps.clock.now().getTime();
  const moved = await deps.store.transition(
    requestId,
    ['delivered'],
    'old_deactivated',
    { deactivatedAt: now, deleteAfter: deleteAfter(now, deps.config), paused: false },
    actor,
    { notify: [toOwner(r, { kind: 'old_key_deactivated', requestId })] },
  );
  if (moved) deps.logger.info({ requestId, oldKeyId: r.oldKeyId }, 'old key deactivated');
  return moved ? 'done' : 'not_now';
}

/** The owner still needs the old key: it is switched back on and its schedule paused until they say otherwise. */
export async function reactivateOldKey(
  deps: RotationDeps,
  requestId: string,
  slackUserId: string,
): Promise<OwnerActionResult> {
  const r = await ownerRequest(deps, requestId, slackUserId, 'old_deactivated');
  if (typeof r === 'string') return r;
  try {
    await deps.keys.setAccessKeyStatus(r.iamUser, r.oldKeyId, 'Active');
  } catch (error) {
    deps.logger.error({ err: error, requestId }, 'could not reactivate the old key');
    return 'failed';
  }
  const moved = await deps.store.transition(
    requestId,
    ['old_deactivated'],
    'delivered',
    { paused: true, deactivatedAt: undefined, deleteAfter: undefined },
    slackUserId,
    { detail: 'reactivated by the owner; schedule paused' },
  );
  return moved ? 'done' : 'not_now';
}
