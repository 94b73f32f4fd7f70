import {
  type ApprovalFlow,
  approve,
  type Decision,
  deny,
  expire,
  refusal,
} from '../../kernel/workflow/decisions.js';
import { type DecisionRefusal, decide, type RotationRequest } from './domain.js';
import { executeRotation } from './execute-rotation.js';
import type { RotationDeps } from './ports.js';

export type DecisionResult =
  | { readonly kind: 'approved' }
  | { readonly kind: 'recorded'; readonly approvals: number; readonly required: number }
  | { readonly kind: 'denied' }
  | { readonly kind: 'refused'; readonly why: DecisionRefusal | 'not_found' };

/** Rotations as the kernel's approval flow drives them. */
export const rotationFlow = (deps: RotationDeps): ApprovalFlow<RotationRequest> => ({
  table: deps.store,
  board: deps.board,
  approvers: deps.approvers,
  clock: deps.clock,
  logger: deps.logger,
  securityChannel: deps.config.securityChannel,
  decide: (r, e) => decide(r, e, deps.config),
  name: 'rotation',
});

/** A request past its time is expired (requester told, message updated); `false` if someone moved it first. */
export async function expireRotation(deps: RotationDeps, r: RotationRequest): Promise<boolean> {
  return (await expire(rotationFlow(deps), r)) !== undefined;
}

const result = (d: Decision<RotationRequest>): DecisionResult =>
  d.kind === 'approved' || d.kind === 'denied' ? { kind: d.kind } : d;

/**
 * An approver says yes. With enough approvals the request moves to `approved` — exactly once, however many people
 * click at the same moment — and the one caller whose move won executes it, with the row it wrote.
 */
export async function approveRotation(
  deps: RotationDeps,
  requestId: string,
  approverId: string,
): Promise<DecisionResult> {
  const request = await deps.store.get(requestId);
  if (!request) return { kind: 'refused', why: 'not_found' };
  const decision = await approve(rotationFlow(deps), request, approverId);
  if (decision.kind === 'approved') await executeRotation(deps, decision.row);
  return result(decision);
}

/** Whether `deciderId` may deny the request now (the Deny button asks before it opens the reason modal). */
export async function denialRefusal(
  deps: RotationDeps,
  requestId: string,
  deciderId: string,
): Promise<DecisionRefusal | 'not_found' | undefined> {
  const request = await deps.store.get(requestId);
  if (!request) return 'not_found';
  return refusal(rotationFlow(deps), request, deciderId, []);
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
  return result(await deny(rotationFlow(deps), request, approverId, reason));
}
