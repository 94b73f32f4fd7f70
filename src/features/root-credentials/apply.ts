import { applyMove } from '../../kernel/workflow/move.js';
import { syncApprovalMessage } from '../../kernel/workflow/sync.js';
import { decide, type RootDeletion, type RootDeletionEvent } from './domain.js';
import type { RootDeletionDeps } from './ports.js';

/** Applies what the domain decides for `event`: the deletion as written, or undefined when it had moved on. */
export const applyDeletion = (
  deps: RootDeletionDeps,
  d: RootDeletion,
  event: RootDeletionEvent,
  actor: string,
) => applyMove(deps.deletions, d, decide(d, event), actor, deps.config);

/** Brings the approval message in line with the deletion; a failure leaves it unsynced for the jobs. */
export const syncDeletionMessage = (deps: RootDeletionDeps, d: RootDeletion, approvals?: readonly string[]) =>
  syncApprovalMessage({ table: deps.deletions, board: deps.board, logger: deps.logger }, d, approvals);
