import {
  type ApprovalFlow,
  approve,
  type Decision,
  deny,
  expire,
  refusalFor,
} from '../../kernel/workflow/decisions.js';
import { type DecisionRefusal, decide, type RotationRequest } from './domain.js';
import { executeRotation } from './execute-rotation.js';
import type { RotationDeps } from './ports.js';

/** What a decision on a rotation did (the approved or denied row, for whoever goes on). */
export type DecisionResult = Decision<RotationRequest>;

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

/**
 * An approver says yes. With enough approvals the request moves to `approved` — exactly once, however many people
 * click at the same moment — and the one caller whose move won executes it, with the row it wrote.
 */
export async function approveRotation(
  deps: RotationDeps,
  requestId: string,
  approverId: string,
): Promise<DecisionResult> {
  const decision = await approve(rotationFlow(deps), requestId, approverId);
  if (decision.kind === 'approved') await executeRotation(deps, decision.row);
  return decision;
}

/** Whether `deciderId` may deny the request now (the Deny button asks before it opens the reason modal). */
export async function denialRefusal(
  deps: RotationDeps,
  requestId: string,
  deciderId: string,
): Promise<DecisionRefusal | 'not_found' | undefined> {
  const found = await refusalFor(rotationFlow(deps), requestId, deciderId);
  return 'why' in found ? found.why : undefined;
}

/** An approver says no, with a reason the requester will read. Nothing in AWS changes. */
export const denyRotation = (deps: RotationDeps, requestId: string, approverId: string, reason: string) =>
  deny(rotationFlow(deps), requestId, approverId, reason);
