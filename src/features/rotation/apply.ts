import type { Outgoing } from '../../kernel/outbox/ports.js';
import { applyMove } from '../../kernel/workflow/move.js';
import { syncApprovalMessage } from '../../kernel/workflow/sync.js';
import { decide, type RotationEvent, type RotationRequest } from './domain.js';
import type { RotationDeps } from './ports.js';

/**
 * Applies what the domain decides for `event`: one atomic, conditional move with its audit entry and its notices.
 * Resolves with the request as written, or undefined when it was no longer in a state the move starts from (someone
 * else moved it first).
 */
export function apply(
  deps: RotationDeps,
  request: RotationRequest,
  event: RotationEvent,
  actor: string,
  also: readonly Outgoing[] = [],
): Promise<RotationRequest | undefined> {
  return applyMove(deps.store, request, decide(request, event, deps.config), actor, {
    securityChannel: deps.config.securityChannel,
    also,
  });
}

/** The request's approval message, brought in line with `request` as given. */
export const syncMessage = (
  deps: RotationDeps,
  request: RotationRequest,
  approvals?: readonly string[],
): Promise<boolean> =>
  syncApprovalMessage({ table: deps.store, board: deps.board, logger: deps.logger }, request, approvals);
