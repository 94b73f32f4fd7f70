import type { Outgoing } from '../ports.js';

/** A workflow row: an ID, a state, and fields stored one column each. */
export interface WorkflowRow {
  readonly id: string;
  readonly state: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly leaseUntil: number | undefined;
  readonly leaseHolder: string | undefined;
}

export type Patch<R> = Partial<Omit<R, 'id' | 'state' | 'createdAt' | 'updatedAt'>>;

export interface WorkflowTable<R extends WorkflowRow> {
  /** Inserts `row` with its first audit entry; `duplicate` when the ID (or a unique index) is taken. */
  insert(row: R, actor: string, notify?: readonly Outgoing[]): Promise<'created' | 'duplicate'>;
  get(id: string): Promise<R | undefined>;
  /**
   * Moves a row from one of `from` to `to` with its audit entry and notices, atomically; `false` when it was not in
   * `from` (someone else moved it first): the caller then does nothing.
   */
  transition(
    id: string,
    from: readonly string[],
    to: R['state'],
    patch: Patch<R>,
    actor: string,
    options?: { detail?: string; notify?: readonly Outgoing[] },
  ): Promise<boolean>;
  update(id: string, patch: Patch<R>): Promise<void>;
  /** Takes the right to act on a row in `state` until `until`, unless someone else holds it (see RotationStore.lease). */
  lease(id: string, state: R['state'], at: number, until: number, holder: string): Promise<boolean>;
  /** Rows in `states`, oldest first. */
  inStates(states: readonly R['state'][]): Promise<R[]>;
  /** Rows matching a condition on columns (`owner_slack_id = ?`), oldest first. */
  where(condition: string, params: readonly unknown[]): Promise<R[]>;
}
