/**
 * The shape every workflow (key rotations, MFA resets, key retirements) shares, as pure types: a row with a state,
 * and the move a workflow's `decide(row, event)` gives. The kernel applies a move atomically with its notices; the
 * store refuses one the workflow's transition table forbids.
 */

/** A workflow row: an ID, a state, and fields stored one column each. */
export interface WorkflowRow {
  readonly id: string;
  readonly state: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly leaseUntil: number | undefined;
  /** `<instance>#<boot>` of whoever holds the lease. */
  readonly leaseHolder: string | undefined;
}

export type Patch<R> = Partial<Omit<R, 'id' | 'state' | 'createdAt' | 'updatedAt'>>;

/** A row whose approval message in APPROVAL_CHANNEL shows where it stands (rotations, MFA resets). */
export interface MessageRow extends WorkflowRow {
  readonly approvalTs: string | undefined;
  readonly messageSynced: boolean;
}

/** Who a notice is for when it is not a person: the security channel (when one is configured). */
export const SECURITY_CHANNEL = Symbol('security channel');

/** Whom a move tells: a Slack user (or channel) ID, or the security channel. */
export type Recipient = string | typeof SECURITY_CHANNEL;

/** The states a row may move from, the state it moves to, the fields it sets, and whom it tells. */
export interface Move<R extends WorkflowRow, N = unknown> {
  readonly from: readonly R['state'][];
  readonly to: R['state'];
  readonly patch: Patch<R>;
  readonly notices: readonly { readonly to: Recipient; readonly notice: N }[];
  readonly detail?: string;
}

/** The fields that give a row's lease back. */
export const RELEASED = { leaseUntil: undefined, leaseHolder: undefined } as const;

/** Who did it, in the audit log, when it was not a person. */
export const SYSTEM = 'aws-mfa-bot';
