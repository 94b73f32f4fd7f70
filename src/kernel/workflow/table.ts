import type { MessageRow, Patch, WorkflowRow } from '../domain/workflow.js';
import type { Outgoing } from '../outbox/ports.js';

export type { MessageRow, Patch, WorkflowRow } from '../domain/workflow.js';

/**
 * One workflow's table, with the guarantees every workflow has: a move is a conditional update from expected states,
 * refused when the workflow's transition table forbids it, written with its audit entry and its notices in one
 * transaction; work on AWS is done under a lease. Every call that writes a row resolves with the row as written, so
 * nobody reads it again to go on.
 */
export interface WorkflowTable<R extends WorkflowRow> {
  /** Inserts `row` with its first audit entry; `duplicate` when the ID (or a unique index) is taken. */
  insert(row: R, actor: string, notify?: readonly Outgoing[]): Promise<'created' | 'duplicate'>;
  get(id: string): Promise<R | undefined>;
  /**
   * Moves a row from one of `from` to `to` with its audit entry and notices, atomically. Resolves with the row as
   * written, or undefined when it was not in `from` (someone else moved it first): the caller then does nothing.
   */
  transition(
    id: string,
    from: readonly R['state'][],
    to: R['state'],
    patch: Patch<R>,
    actor: string,
    options?: { detail?: string; notify?: readonly Outgoing[] },
  ): Promise<R | undefined>;
  /** Changes fields that are not the state (a schedule, a claim given back), with any notices, atomically. */
  update(id: string, patch: Patch<R>, options?: { notify?: readonly Outgoing[] }): Promise<void>;
  /**
   * Takes the right to act on a row in `state` until `until`, for `holder` (`<instance>#<boot>`), unless someone else
   * holds it: resolves with the row so held. A lease an earlier boot of the same instance held is taken over at once —
   * that boot is dead.
   */
  lease(id: string, state: R['state'], at: number, until: number, holder: string): Promise<R | undefined>;
  /** Gives back every lease `holder` has (a clean shutdown: another replica carries on at once). */
  release(holder: string): Promise<void>;
  /** Rows in `states`, oldest first. */
  inStates(states: readonly R['state'][]): Promise<R[]>;
  /** The audit log of one row, oldest first. */
  audit(id: string): Promise<AuditEntry[]>;
}

/** A workflow whose rows are decided by approvers, with an approval message. */
export interface ApprovalTable<R extends MessageRow> extends WorkflowTable<R> {
  approvals(id: string): Promise<string[]>;
  /**
   * Records an approval once per approver while the row waits (`requested`) and, in the same transaction, applies the
   * move `decide` gives for the approvals so far (approvers of one row are serialised). Resolves with every approver so
   * far and the row — moved if this call made the move.
   */
  approve(
    id: string,
    approverSlackId: string,
    at: number,
    decide: (approvals: readonly string[], row: R) => TableMove<R> | undefined,
    options?: { detail?: string },
  ): Promise<{ approvals: string[]; row: R | undefined; moved: boolean }>;
  /** Rows whose approval message does not show their state yet. */
  unsynced(): Promise<R[]>;
  /**
   * The approval message now shows `row`: its ts is kept, and it counts as in sync unless the row moved meanwhile
   * (then the next sync shows the newer state).
   */
  recordMessage(row: R, ts: string): Promise<void>;
  /** The approval message could not be brought in line: the next sync tries again. */
  markStale(id: string): Promise<void>;
}

/** A move as a table applies it: notices already addressed. */
export interface TableMove<R extends WorkflowRow> {
  readonly from: readonly R['state'][];
  readonly to: R['state'];
  readonly patch: Patch<R>;
  readonly notify: readonly Outgoing[];
  readonly detail?: string;
}

export interface AuditEntry {
  readonly requestId: string;
  readonly actor: string;
  readonly fromState: string | undefined;
  readonly toState: string;
  readonly at: number;
  readonly detail: string | undefined;
}
