import type { ApprovalRow } from '../../kernel/domain/approval.js';
import {
  type ApprovalRefusal,
  type DecisionEvent,
  decisionMove,
  isOverdue,
} from '../../kernel/domain/approval.js';
import { DAY_MS, HOUR_MS } from '../../kernel/domain/time.js';
import type { KeyUseEventJson } from '../../kernel/domain/types.js';
import { type Move, RELEASED, SECURITY_CHANNEL } from '../../kernel/domain/workflow.js';

/**
 * A key rotation's life. Every move is one conditional update in the store (from an expected state), so retries,
 * double clicks and two approvers at once can move a request only once.
 */
export type RotationState =
  | 'requested'
  | 'approved'
  | 'key_created'
  | 'delivered'
  | 'old_deactivated'
  | 'old_deleted'
  | 'denied'
  | 'expired'
  | 'failed';

/** States in which the old key is still being replaced: one such request per key at most. */
export const OPEN_STATES: readonly RotationState[] = ['requested', 'approved', 'key_created', 'delivered'];

/** States in which a rotation may still have work for the jobs (the old key's deletion included). */
export const UNFINISHED_STATES: readonly RotationState[] = [...OPEN_STATES, 'old_deactivated'];

export const TRANSITIONS: Readonly<Record<RotationState, readonly RotationState[]>> = {
  requested: ['approved', 'denied', 'expired', 'failed'],
  approved: ['key_created', 'failed'],
  key_created: ['delivered', 'failed'],
  // Reactivating the old key moves it back to `delivered`, for one more grace period at most.
  delivered: ['old_deactivated'],
  old_deactivated: ['old_deleted', 'delivered'],
  old_deleted: [],
  denied: [],
  expired: [],
  failed: [],
};

export function canTransition(from: RotationState, to: RotationState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** A rotation request: the kernel's approval row, and the keys it replaces and creates. */
export interface RotationRequest extends ApprovalRow {
  readonly state: RotationState;
  readonly oldKeyId: string;
  /** The old key as it was when requested, for the approval message. */
  readonly oldKeyCreatedAt: number;
  readonly oldKeyLastUsedAt: number | undefined;
  readonly oldKeyLastService: string | undefined;
  readonly reason: string;
  readonly newKeyId: string | undefined;
  readonly newKeyCreatedAt: number | undefined;
  readonly secretArn: string | undefined;
  readonly secretName: string | undefined;
  readonly deliveredAt: number | undefined;
  readonly deactivateAfter: number | undefined;
  readonly deactivatedAt: number | undefined;
  readonly deleteAfter: number | undefined;
  readonly deletedAt: number | undefined;
  /**
   * When the old key's deactivation was put off because the key was still in use (or the owner reactivated it).
   * It happens once at most: the next time the grace period ends, the key is deactivated whatever it is doing.
   */
  readonly postponedAt: number | undefined;
  /** The old key's last use as seen at that postponement: only use after it is new. */
  readonly lastUseSeenAt: number | undefined;
  /** Set just before CreateAccessKey: a key created after it by a crashed attempt belongs to this request. */
  readonly attemptStartedAt: number | undefined;
  /** The user's access key IDs just before that CreateAccessKey, comma-separated. */
  readonly keysBefore: string | undefined;
  /** A failed attempt's possible leftover key (CreateAccessKey answer lost) has been looked for and removed. */
  readonly orphansChecked: boolean;
}

/** What a new request is made of; everything else starts empty. */
export type NewRequestInput = Pick<
  RotationRequest,
  | 'id'
  | 'requesterSlackId'
  | 'iamUser'
  | 'iamUserArn'
  | 'accountId'
  | 'oldKeyId'
  | 'oldKeyCreatedAt'
  | 'oldKeyLastUsedAt'
  | 'oldKeyLastService'
  | 'reason'
  | 'privileged'
  | 'approvalChannel'
>;

/** A request as it is filed: `requested`, with the approvals it needs and its expiry. */
export function newRotationRequest(
  input: NewRequestInput,
  now: number,
  settings: RotationSettings,
): RotationRequest {
  return {
    ...input,
    state: 'requested',
    reason: input.reason.trim(),
    requiredApprovals: requiredApprovals(input.privileged, settings),
    approvalTs: undefined,
    messageSynced: false,
    decidedBy: undefined,
    decidedAt: undefined,
    denyReason: undefined,
    newKeyId: undefined,
    newKeyCreatedAt: undefined,
    secretArn: undefined,
    secretName: undefined,
    deliveredAt: undefined,
    deactivateAfter: undefined,
    deactivatedAt: undefined,
    deleteAfter: undefined,
    deletedAt: undefined,
    postponedAt: undefined,
    lastUseSeenAt: undefined,
    leaseUntil: undefined,
    leaseHolder: undefined,
    attemptStartedAt: undefined,
    keysBefore: undefined,
    failure: undefined,
    orphansChecked: false,
    createdAt: now,
    updatedAt: now,
    expiresAt: expiresAt(now, settings),
  };
}

export interface RotationSettings {
  readonly requiredApprovals: number;
  readonly privilegedApprovals: number;
  readonly requestTtlHours: number;
  readonly graceDays: number;
  readonly deleteDays: number;
}

export const REASON_MAX = 500;

export type ReasonProblem = 'reason_required' | 'reason_too_long';

export function checkReason(reason: string | undefined): ReasonProblem | undefined {
  const text = (reason ?? '').trim();
  if (!text) return 'reason_required';
  if (text.length > REASON_MAX) return 'reason_too_long';
  return undefined;
}

export function requiredApprovals(privileged: boolean, settings: RotationSettings): number {
  return privileged
    ? Math.max(settings.privilegedApprovals, settings.requiredApprovals)
    : settings.requiredApprovals;
}

/** Who may decide a rotation is the rule every approved workflow shares (`checkApprover`), and nothing more. */
export type DecisionRefusal = ApprovalRefusal;

export const expiresAt = (createdAt: number, s: RotationSettings) => createdAt + s.requestTtlHours * HOUR_MS;
export const deactivateAfter = (from: number, s: RotationSettings) => from + s.graceDays * DAY_MS;
export const deleteAfter = (from: number, s: RotationSettings) => from + s.deleteDays * DAY_MS;

export type LifecycleStep = 'expire' | 'deactivate' | 'delete' | undefined;

/** What the scheduled job should do with a request now. Pure: the clock is an argument. */
export function dueLifecycleStep(r: RotationRequest, now: number): LifecycleStep {
  if (isOverdue(r, now)) return 'expire';
  if (r.state === 'delivered' && r.deactivateAfter !== undefined && now >= r.deactivateAfter)
    return 'deactivate';
  if (r.state === 'old_deactivated' && r.deleteAfter !== undefined && now >= r.deleteAfter) return 'delete';
  return undefined;
}

export type OldKeyVerdict =
  /** Not used since the last look: switch it off. */
  | 'deactivate'
  /** Used since the new key was made, for the first time: the owner gets one more grace period and is shown where. */
  | 'postpone'
  /** Used again after the one postponement: switch it off anyway, and tell security and the approvers. */
  | 'deactivate_in_use';

/**
 * The old key at the end of its grace period. Only use *after the previous look* counts (after the new key's creation,
 * then after the use seen at the postponement): comparing with the creation time every time let one stolen-key call
 * postpone it forever. IAM's last-used date lags, so the reference is the last use seen, not the clock.
 */
export function oldKeyVerdict(r: RotationRequest, lastUsedAt: number | undefined): OldKeyVerdict {
  const since = usedSince(r);
  if (lastUsedAt === undefined || lastUsedAt <= since) return 'deactivate';
  return r.postponedAt === undefined ? 'postpone' : 'deactivate_in_use';
}

/** Use of the old key after this instant is new use. */
export const usedSince = (r: RotationRequest): number =>
  r.lastUseSeenAt ?? r.postponedAt ?? r.newKeyCreatedAt ?? r.deliveredAt ?? r.createdAt;

/** `aws-mfa-bot/123456789012/alice`: one secret per user, a new version per rotation. */
export function secretNameFor(prefix: string, accountId: string, userName: string): string {
  return `${prefix}${accountId}/${userName}`;
}

export function secretConsoleUrl(region: string, name: string): string {
  const q = (v: string) => encodeURIComponent(v);
  return `https://${region}.console.aws.amazon.com/secretsmanager/secret?name=${q(name)}&region=${q(region)}`;
}

export type RotationNotice =
  /** `state`: what the transition that queued it moved to (absent on notices queued by older versions). */
  | { readonly kind: 'request_decided'; readonly requestId: string; readonly state?: RotationState }
  | { readonly kind: 'decision_recorded'; readonly requestId: string; readonly state?: RotationState }
  | { readonly kind: 'key_delivered'; readonly requestId: string }
  | {
      readonly kind: 'old_key_in_use';
      readonly requestId: string;
      readonly events: readonly KeyUseEventJson[];
    }
  | {
      /** To the security channel and the approvers: the replaced key was used after the rotation. */
      readonly kind: 'old_key_in_use_alert';
      readonly requestId: string;
      readonly outcome: 'postponed' | 'deactivated';
      readonly events: readonly KeyUseEventJson[];
    }
  | { readonly kind: 'old_key_reactivated'; readonly requestId: string }
  | { readonly kind: 'old_key_deactivated'; readonly requestId: string }
  | { readonly kind: 'old_key_deleted'; readonly requestId: string };

/** Every kind of rotation notice: the rotation's renderer shows each. */
export const ROTATION_NOTICE_KINDS = [
  'request_decided',
  'decision_recorded',
  'key_delivered',
  'old_key_in_use',
  'old_key_in_use_alert',
  'old_key_reactivated',
  'old_key_deactivated',
  'old_key_deleted',
] as const satisfies readonly RotationNotice['kind'][];

/** Something that happened to a request; `decide` says what it moves the request to and who is told. */
export type RotationEvent =
  | DecisionEvent
  | { readonly kind: 'failed'; readonly reason: string }
  | {
      readonly kind: 'key_created';
      readonly keyId: string;
      readonly createdAt: number;
      readonly secretName: string;
      readonly secretArn?: string;
      readonly recovered?: boolean;
    }
  | { readonly kind: 'delivered'; readonly at: number }
  | { readonly kind: 'old_deactivated'; readonly at: number }
  | { readonly kind: 'old_reactivated'; readonly at: number }
  | { readonly kind: 'old_deleted'; readonly at: number };

/** What `decide` gives for an event: a move of the kernel's shape, telling people with rotation notices. */
export type RotationMove = Move<RotationRequest, RotationNotice>;

/**
 * The rotation's state machine in one place: `(request, event) → move` — the states it may move from, the state it
 * moves to, the fields it sets and the notices it queues (each saying the state it moved to). The store applies a
 * move atomically and refuses one the table forbids.
 */
export function decide(r: RotationRequest, e: RotationEvent, s: RotationSettings): RotationMove {
  const requestId = r.id;
  const decided = (state: RotationState, approvers: readonly string[]) => [
    { to: r.requesterSlackId, notice: { kind: 'request_decided', requestId, state } as RotationNotice },
    ...approvers.map((a) => ({
      to: a,
      notice: { kind: 'decision_recorded', requestId, state } as RotationNotice,
    })),
  ];
  const toOwner = (notice: RotationNotice) => [{ to: r.requesterSlackId, notice }];
  switch (e.kind) {
    case 'approved':
    case 'denied':
    case 'expired':
      return decisionMove(e, decided);
    case 'failed':
      return {
        from: ['approved', 'key_created'],
        to: 'failed',
        patch: { failure: e.reason, ...RELEASED },
        notices: decided('failed', []),
        detail: e.reason,
      };
    case 'key_created':
      return {
        from: ['approved'],
        to: 'key_created',
        patch: {
          newKeyId: e.keyId,
          newKeyCreatedAt: e.createdAt,
          secretName: e.secretName,
          ...(e.secretArn ? { secretArn: e.secretArn } : {}),
        },
        notices: [],
        ...(e.recovered ? { detail: 'recovered after a restart' } : {}),
      };
    case 'delivered':
      return {
        from: ['key_created'],
        to: 'delivered',
        patch: { deliveredAt: e.at, deactivateAfter: deactivateAfter(e.at, s), ...RELEASED },
        notices: toOwner({ kind: 'key_delivered', requestId }),
      };
    case 'old_deactivated':
      return {
        from: ['delivered'],
        to: 'old_deactivated',
        patch: { deactivatedAt: e.at, deleteAfter: deleteAfter(e.at, s), ...RELEASED },
        notices: toOwner({ kind: 'old_key_deactivated', requestId }),
      };
    case 'old_reactivated':
      return {
        from: ['old_deactivated'],
        to: 'delivered',
        patch: {
          deactivatedAt: undefined,
          deleteAfter: undefined,
          ...RELEASED,
          deactivateAfter: deactivateAfter(e.at, s),
          // Use is expected while it is back on; what counts at the end is use after now, and it is not put off again.
          postponedAt: r.postponedAt ?? e.at,
          lastUseSeenAt: e.at,
        },
        notices: [{ to: SECURITY_CHANNEL, notice: { kind: 'old_key_reactivated', requestId } }],
        detail: 'reactivated by the owner for one grace period',
      };
    case 'old_deleted':
      return {
        from: ['old_deactivated'],
        to: 'old_deleted',
        patch: { deletedAt: e.at, ...RELEASED },
        notices: toOwner({ kind: 'old_key_deleted', requestId }),
      };
  }
}
