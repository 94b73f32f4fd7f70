import { type Move, SECURITY_CHANNEL, type WorkflowRow } from '../domain/workflow.js';
import type { Notice, Outgoing } from '../outbox/ports.js';
import type { TableMove, WorkflowTable } from './table.js';

/** How long one step on AWS (a key switched off, a device removed) may take before another runner may try it. */
export const STEP_LEASE_MS = 2 * 60_000;

/** A move's notices as outbox entries: the security channel's only when one is configured. */
export function addressed(
  notices: Move<WorkflowRow, Notice>['notices'],
  securityChannel: string | undefined,
): Outgoing[] {
  return notices.flatMap(({ to, notice }) => {
    const channel = to === SECURITY_CHANNEL ? securityChannel : to;
    return channel ? [{ channel, notice }] : [];
  });
}

/** A decided move as a table applies it. */
export function tableMove<R extends WorkflowRow>(
  move: Move<R, Notice>,
  securityChannel: string | undefined,
): TableMove<R> {
  return {
    from: move.from,
    to: move.to,
    patch: move.patch,
    notify: addressed(move.notices, securityChannel),
    ...(move.detail ? { detail: move.detail } : {}),
  };
}

/**
 * Applies what a workflow decided: one atomic, conditional move with its audit entry and its notices (and any `also`).
 * Resolves with the row as written, or undefined when it had already moved on (someone else moved it first).
 */
export function applyMove<R extends WorkflowRow>(
  table: Pick<WorkflowTable<R>, 'transition'>,
  row: Pick<R, 'id'>,
  move: Move<R, Notice>,
  actor: string,
  context: { readonly securityChannel: string | undefined; readonly also?: readonly Outgoing[] },
): Promise<R | undefined> {
  return table.transition(row.id, move.from, move.to, move.patch, actor, {
    ...(move.detail ? { detail: move.detail } : {}),
    notify: [...addressed(move.notices, context.securityChannel), ...(context.also ?? [])],
  });
}

/** The right to act on a row in `state`, for this process alone, for `ms` — the row as leased, or undefined. */
export function claim<R extends WorkflowRow>(
  table: Pick<WorkflowTable<R>, 'lease'>,
  row: Pick<R, 'id'>,
  state: R['state'],
  at: { readonly now: number; readonly holder: string; readonly ms?: number },
): Promise<R | undefined> {
  return table.lease(row.id, state, at.now, at.now + (at.ms ?? STEP_LEASE_MS), at.holder);
}
