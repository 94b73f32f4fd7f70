import { apply, outgoing } from './apply.js';
import { checkDecider, type DecisionRefusal, decide, type RotationRequest } from './domain.js';
import { executeRotation } from './execute-rotation.js';
import { type RotationDeps, SYSTEM } from './ports.js';
import { syncApprovalMessage } from './sync-approval-message.js';

export type DecisionResult =
  | { readonly kind: 'approved' }
  | { readonly kind: 'recorded'; readonly approvals: number; readonly required: number }
  | { readonly kind: 'denied' }
  | { readonly kind: 'refused'; readonly why: DecisionRefusal | 'not_found' };

/** A request past its time is expired (requester told, message updated); `false` if someone moved it first. */
export async function expireRotation(deps: RotationDeps, r: RotationRequest): Promise<boolean> {
  const moved = await apply(deps, r, { kind: 'expired' }, SYSTEM);
  if (moved) await syncApprovalMessage(deps, r.id);
  return moved;
}

/** Why `deciderId` may not decide `request` now; a request found past its time is expired on the spot. */
async function refusalFor(
  deps: RotationDeps,
  request: RotationRequest,
  deciderId: string,
  approvedBy: readonly string[],
): Promise<DecisionRefusal | undefined> {
  const now = deps.clock.now().getTime();
  const isApprover = await deps.approvers.isApprover(deciderId);
  const refusal = checkDecider(request, deciderId, { isApprover, approvedBy, now });
  if (refusal === 'expired') await expireRotation(deps, request);
  return refusal;
}

/**
 * An approver says yes. With enough approvals the request moves to `approved` — exactly once, however many people
 * click at the same moment — and the one caller whose move won executes it.
 */
export async function approveRotation(
  deps: RotationDeps,
  requestId: string,
  approverId: string,
): Promise<DecisionResult> {
  const request = await deps.store.get(requestId);
  if (!request) return { kind: 'refused', why: 'not_found' };
  const refusal = await refusalFor(deps, request, approverId, await deps.store.approvals(requestId));
  if (refusal) {
    deps.logger.info({ requestId, slackUserId: approverId, refusal }, 'approval refused');
    return { kind: 'refused', why: refusal };
  }
  const now = deps.clock.now().getTime();
  const { approvals, approved } = await deps.store.approve(requestId, approverId, now, (all) => {
    if (all.length < request.requiredApprovals) return undefined;
    const move = decide(request, { kind: 'approved', approvers: all, at: now }, deps.config);
    return { patch: move.patch, notify: outgoing(move, deps.config.securityChannel) };
  });
  if (!approved) {
    if (approvals.length >= request.requiredApprovals) return { kind: 'refused', why: 'closed' };
    await syncApprovalMessage(deps, requestId);
    return { kind: 'recorded', approvals: approvals.length, required: request.requiredApprovals };
  }
  deps.logger.info({ requestId, approvers: approvals }, 'rotation approved');
  await syncApprovalMessage(deps, requestId);
  await executeRotation(deps, requestId);
  return { kind: 'approved' };
}

/** Whether `deciderId` may deny the request now (the Deny button asks before it opens the reason modal). */
export async function denialRefusal(
  deps: RotationDeps,
  requestId: string,
  deciderId: string,
): Promise<DecisionRefusal | 'not_found' | undefined> {
  const request = await deps.store.get(requestId);
  if (!request) return 'not_found';
  return refusalFor(deps, request, deciderId, []);
}

/** An approver says no, with a reason the requester will read. Nothing in AWS changes. */
export async function denyRotation(
  deps: RotationDeps,
  requestId: string,
  approverId: string,
  reason: string,
): Promise<DecisionResult> {
  const request = await deps.store.get(requestId);
  if (!request) return { kind: 'refused', why: 'not_found' };
  const refusal = await refusalFor(deps, request, approverId, []);
  if (refusal) {
    deps.logger.info({ requestId, slackUserId: approverId, refusal }, 'denial refused');
    return { kind: 'refused', why: refusal };
  }
  const moved = await apply(
    deps,
    request,
    { kind: 'denied', by: approverId, reason, at: deps.clock.now().getTime() },
    approverId,
  );
  if (!moved) return { kind: 'refused', why: 'closed' };
  deps.logger.info({ requestId, slackUserId: approverId }, 'rotation denied');
  await syncApprovalMessage(deps, requestId);
  return { kind: 'denied' };
}
