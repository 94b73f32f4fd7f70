/**
 * Something a person or a channel must be told. Stored in the outbox in the same transaction as the change that
 * caused it, and rendered only when sent (in the recipient's language) by the renderer of its `kind`, which the
 * feature that queues it provides. Never carries a secret.
 */
export interface Notice {
  readonly kind: string;
  /** The rotation it is about, for the delivery log (other notices leave it unset). */
  readonly requestId?: string | undefined;
  /** What the feature's renderer needs: plain data (it is stored as JSON), never a secret. */
  readonly [field: string]: unknown;
}

/** A notice and where it goes: a Slack user ID (a DM) or a channel ID. */
export interface Outgoing {
  readonly channel: string;
  readonly notice: Notice;
}

export interface OutboxMessage {
  readonly id: string;
  readonly channel: string;
  readonly notice: Notice;
  readonly attempts: number;
}

/** Queues a notice outside any other change (a nudge, an alert); `notBefore` holds it until then (working hours). */
export interface OutboxWriter {
  enqueue(outgoing: Outgoing, at: number, notBefore?: number): Promise<string>;
}

/** The outbox as the one deliverer sees it. */
export interface OutboxStore extends OutboxWriter {
  /** The messages `claimDue` would take now, without claiming them (read only: for dry runs). */
  peekDue(now: number, limit: number): Promise<OutboxMessage[]>;
  /**
   * Claims up to `limit` due messages for `claimMs`, for `holder` (`<instance>#<boot>`): a message someone else holds
   * is not returned, but one an earlier boot of the same instance held is taken over at once (that boot is dead).
   */
  claimDue(now: number, limit: number, claimMs: number, holder: string): Promise<OutboxMessage[]>;
  markSent(id: string, now: number): Promise<void>;
  /** Not sent: due again at `nextAt`. `attempt: false` when it was not tried (it waits with the queue). */
  markFailed(id: string, error: string, nextAt: number, options?: { attempt?: boolean }): Promise<void>;
  /** Gives back every claim of `holder` (a clean shutdown). */
  release(holder: string): Promise<void>;
}
