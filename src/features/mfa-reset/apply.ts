import { applyMove } from '../../kernel/workflow/move.js';
import { syncApprovalMessage } from '../../kernel/workflow/sync.js';
import { decide, type MfaReset, type MfaResetEvent } from './domain.js';
import type { MfaResetDeps } from './ports.js';

/** Applies what the domain decides for `event`: the reset as written, or undefined when it had moved on. */
export const applyReset = (deps: MfaResetDeps, reset: MfaReset, event: MfaResetEvent, actor: string) =>
  applyMove(deps.resets, reset, decide(reset, event, deps.config), actor, deps.config);

/** Brings the approval message in line with the reset as given; a failure leaves it unsynced for the jobs. */
export const syncResetMessage = (deps: MfaResetDeps, reset: MfaReset, approvals?: readonly string[]) =>
  syncApprovalMessage({ table: deps.resets, board: deps.board, logger: deps.logger }, reset, approvals);
