import type { Logger } from '../../logger.js';
import {
  type Approvable,
  type ApprovalRefusal,
  approvalsEnough,
  checkApprover,
  type DecisionEvent,
} from '../domain/approval.js';
import type { Clock } from '../domain/types.js';
import { type Move, SYSTEM } from '../domain/workflow.js';
import type { Notice } from '../outbox/ports.js';
import type { ApproversPort } from '../people/ports.js';
import { applyMove, tableMove } from './move.js';
import { type MessageBoard, syncApprovalMessage } from './sync.js';
import type { ApprovalTable, MessageRow } from './table.js';

/**
 * One workflow decided by approvers (rotations, MFA resets), as the kernel drives it: its table, its approval message,
 * who may approve, and its domain's `decide()` for the decisions every such workflow shares.
 */
export interface ApprovalFlow<R extends MessageRow & Approvable> {
  readonly table: ApprovalTable<R>;
  readonly board: MessageBoard<R>;
  readonly approvers: ApproversPort;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly securityChannel: string | undefined;
  readonly decide: (row: R, event: DecisionEvent) => Move<R, Notice>;
  /** What the log calls a row (`rotation`, `MFA reset`). */
  readonly name: string;
}

/** The workflow's own rule for who may decide, on top of the shared one (an MFA reset's "I verified them"). */
export type DeciderCheck<R extends Approvable, X extends string> = (
  row: R,
  deciderSlackId: string,
  facts: Parameters<typeof checkApprover>[2],
) => ApprovalRefusal | X | undefined;

export type Decision<R, X extends string = never> =
  | { readonly kind: 'approved'; readonly row: R }
  | { readonly kind: 'recorded'; readonly approvals: number; readonly required: number }
  | { readonly kind: 'denied'; readonly row: R }
  | { readonly kind: 'refused'; readonly why: ApprovalRefusal | X | 'not_found' };

/** A row past its time is expired (requester told, message updated): the row as written, or undefined. */
export async function expire<R extends MessageRow & Approvable>(
  flow: ApprovalFlow<R>,
  row: R,
): Promise<R | undefined> {
  const moved = await applyMove(flow.table, row, flow.decide(row, { kind: 'expired' }), SYSTEM, flow);
  if (moved) await syncApprovalMessage(flow, moved);
  return moved;
}

/** Why `deciderId` may not decide `row` now; a row found past its time is expired on the spot. */
export async function refusal<R extends MessageRow & Approvable, X extends string = never>(
  flow: ApprovalFlow<R>,
  row: R,
  deciderId: string,
  approvedBy: readonly string[],
  check: DeciderCheck<R, X> = checkApprover,
): Promise<ApprovalRefusal | X | undefined> {
  const isApprover = await flow.approvers.isApprover(deciderId).catch((error: unknown) => {
    flow.logger.warn({ err: error, slackUserId: deciderId }, 'could not tell whether someone is an approver');
    return false;
  });
  const why = check(row, deciderId, { isApprover, approvedBy, now: flow.clock.now().getTime() });
  if (why === 'expired') await expire(flow, row);
  if (why)
    flow.logger.info({ id: row.id, slackUserId: deciderId, refusal: why }, `${flow.name} decision refused`);
  return why;
}

/** `refusal` for a row by its ID: what a button asks before it opens a modal. */
export async function refusalFor<R extends MessageRow & Approvable, X extends string = never>(
  flow: ApprovalFlow<R>,
  id: string,
  deciderId: string,
  check?: DeciderCheck<R, X>,
): Promise<{ readonly row: R } | { readonly why: ApprovalRefusal | X | 'not_found' }> {
  const row = await flow.table.get(id);
  if (!row) return { why: 'not_found' };
  const why = await refusal(flow, row, deciderId, await flow.table.approvals(id), check);
  return why ? { why } : { row };
}

/**
 * An approver says yes. The approval is recorded and, with enough of them, the row moves to `approved` in the same
 * transaction — exactly once, however many people click at the same moment. Resolves with the approved row for the
 * one caller whose move won (it carries the work out); the message shows the approvals either way.
 */
export async function approve<R extends MessageRow & Approvable, X extends string = never>(
  flow: ApprovalFlow<R>,
  id: string,
  approverId: string,
  check?: DeciderCheck<R, X>,
): Promise<Decision<R, X>> {
  const row = await flow.table.get(id);
  if (!row) return { kind: 'refused', why: 'not_found' };
  const why = await refusal(flow, row, approverId, await flow.table.approvals(row.id), check);
  if (why) return { kind: 'refused', why };
  const at = flow.clock.now().getTime();
  const result = await flow.table.approve(row.id, approverId, at, (approvals, current) =>
    approvalsEnough(current, approvals)
      ? tableMove(flow.decide(current, { kind: 'approved', approvers: approvals, at }), flow.securityChannel)
      : undefined,
  );
  const now = result.row ?? row;
  if (!result.moved) {
    if (now.state !== 'requested' || approvalsEnough(now, result.approvals))
      return { kind: 'refused', why: 'closed' };
    await syncApprovalMessage(flow, now, result.approvals);
    return { kind: 'recorded', approvals: result.approvals.length, required: now.requiredApprovals };
  }
  flow.logger.info({ id: row.id, approvers: result.approvals }, `${flow.name} approved`);
  await syncApprovalMessage(flow, now, result.approvals);
  return { kind: 'approved', row: now };
}

/** An approver says no, with a reason the requester reads. Nothing in AWS changes. */
export async function deny<R extends MessageRow & Approvable>(
  flow: ApprovalFlow<R>,
  id: string,
  approverId: string,
  reason: string,
): Promise<Decision<R>> {
  const row = await flow.table.get(id);
  if (!row) return { kind: 'refused', why: 'not_found' };
  const why = await refusal(flow, row, approverId, []);
  if (why) return { kind: 'refused', why };
  const move = flow.decide(row, { kind: 'denied', by: approverId, reason, at: flow.clock.now().getTime() });
  const moved = await applyMove(flow.table, row, move, approverId, flow);
  if (!moved) return { kind: 'refused', why: 'closed' };
  flow.logger.info({ id: row.id, slackUserId: approverId }, `${flow.name} denied`);
  await syncApprovalMessage(flow, moved);
  return { kind: 'denied', row: moved };
}
