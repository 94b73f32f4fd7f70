import type { checkApprover } from '../../kernel/domain/approval.js';
import {
  type ApprovalFlow,
  approve,
  type Decision,
  deny,
  expire,
  refusalFor,
} from '../../kernel/workflow/decisions.js';
import { checkResetDecider, decide, type MfaReset, type ResetRefusal } from './domain.js';
import { executeReset } from './execute-reset.js';
import type { MfaResetDeps } from './ports.js';

/** What a decision on a reset did (the approved or denied row, for whoever goes on). */
export type ResetDecision = Decision<MfaReset, 'not_verified'>;

/** MFA resets as the kernel's approval flow drives them. */
export const resetFlow = (deps: MfaResetDeps): ApprovalFlow<MfaReset> => ({
  table: deps.resets,
  board: deps.board,
  approvers: deps.approvers,
  clock: deps.clock,
  logger: deps.logger,
  securityChannel: deps.config.securityChannel,
  decide: (r, e) => decide(r, e, deps.config),
  name: 'MFA reset',
});

/** A reset past its time is expired (requester told, message updated); `false` if someone moved it first. */
export async function expireReset(deps: MfaResetDeps, r: MfaReset): Promise<boolean> {
  return (await expire(resetFlow(deps), r)) !== undefined;
}

/** The shared rule for deciders, and only having verified the person outside Slack. */
const verifiedDecider =
  (verified: boolean) => (r: MfaReset, decider: string, facts: Parameters<typeof checkApprover>[2]) =>
    checkResetDecider(r, decider, { ...facts, verified });

/**
 * The reset, if `approverId` may decide it now (checked before the confirmation modal opens, and again on submit);
 * otherwise why not. A reset found past its time is expired on the spot: nobody approves it, whether or not a job
 * marked it yet.
 */
export async function resetToDecide(
  deps: MfaResetDeps,
  id: string,
  approverId: string,
): Promise<{ readonly reset: MfaReset } | { readonly refusal: ResetRefusal | 'not_found' }> {
  const found = await refusalFor(resetFlow(deps), id, approverId);
  return 'why' in found ? { refusal: found.why } : { reset: found.row };
}

/**
 * An approver, having ticked "I verified this person's identity outside Slack", says yes. With enough approvals the
 * reset moves to `approved` exactly once, and the caller whose move won removes the device.
 */
export async function approveReset(
  deps: MfaResetDeps,
  id: string,
  approverId: string,
  verified: boolean,
): Promise<ResetDecision> {
  const decision = await approve(resetFlow(deps), id, approverId, verifiedDecider(verified));
  if (decision.kind === 'approved') await executeReset(deps, decision.row);
  return decision;
}

export const denyReset = (deps: MfaResetDeps, id: string, approverId: string, reason: string) =>
  deny(resetFlow(deps), id, approverId, reason);
