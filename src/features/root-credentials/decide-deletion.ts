import {
  type ApprovalFlow,
  approve,
  type Decision,
  deny,
  expire,
  refusalFor,
} from '../../kernel/workflow/decisions.js';
import { decide, type RootDeletion } from './domain.js';
import { executeDeletion } from './execute-deletion.js';
import type { RootDeletionDeps } from './ports.js';

/** Root-credentials deletions as the kernel's approval flow drives them: the same rules as rotations and resets. */
export const deletionFlow = (deps: RootDeletionDeps): ApprovalFlow<RootDeletion> => ({
  table: deps.deletions,
  board: deps.board,
  approvers: deps.approvers,
  clock: deps.clock,
  logger: deps.logger,
  securityChannel: deps.config.securityChannel,
  decide: (d, e) => decide(d, e),
  name: 'root credentials deletion',
});

export const expireDeletion = async (deps: RootDeletionDeps, d: RootDeletion) =>
  (await expire(deletionFlow(deps), d)) !== undefined;

/** Whether `approverId` may decide now (asked before the deny modal opens); a deletion past its time expires. */
export const deletionToDecide = (deps: RootDeletionDeps, id: string, approverId: string) =>
  refusalFor(deletionFlow(deps), id, approverId);

/**
 * An approver says yes. With enough approvals the request moves to `approved` exactly once, and the caller whose move
 * won opens the root session and deletes the credentials; everyone else only sees their approval recorded.
 */
export async function approveDeletion(
  deps: RootDeletionDeps,
  id: string,
  approverId: string,
): Promise<Decision<RootDeletion>> {
  const decision = await approve(deletionFlow(deps), id, approverId);
  if (decision.kind === 'approved') await executeDeletion(deps, decision.row);
  return decision;
}

export const denyDeletion = (deps: RootDeletionDeps, id: string, approverId: string, reason: string) =>
  deny(deletionFlow(deps), id, approverId, reason);
