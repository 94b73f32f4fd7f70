import type { ApprovalRow } from '../../kernel/domain/approval.js';
import {
  type ApprovalRefusal,
  checkApprover,
  type DecisionEvent,
  decisionMove,
} from '../../kernel/domain/approval.js';
import { HOUR_MS } from '../../kernel/domain/time.js';
import type { MfaDeviceType } from '../../kernel/domain/types.js';
import { type Move, RELEASED, SECURITY_CHANNEL } from '../../kernel/domain/workflow.js';

/**
 * A lost or broken MFA device, reset with approval. "I lost my phone" is the classic way into someone else's account,
 * so each approver confirms they verified the person outside Slack, and MFA_RESET_APPROVALS of them are needed (more
 * for an admin-level user). Every move is one conditional update from expected states, as for rotations.
 */
export type MfaResetState =
  | 'requested'
  | 'approved'
  /** The device is deactivated (and, if virtual, deleted): the person must enrol a new one. */
  | 'removed'
  | 'reenrolled'
  /** No device was enabled within MFA_REENROL_HOURS: the owner was nudged and security told. */
  | 'overdue'
  | 'denied'
  | 'expired'
  | 'failed';

export const MFA_RESET_TRANSITIONS: Readonly<Record<MfaResetState, readonly MfaResetState[]>> = {
  requested: ['approved', 'denied', 'expired'],
  approved: ['removed', 'failed'],
  removed: ['reenrolled', 'overdue'],
  overdue: ['reenrolled'],
  reenrolled: [],
  denied: [],
  expired: [],
  failed: [],
};

/** One open reset per IAM user at a time (the database refuses a second). */
export const OPEN_RESET_STATES: readonly MfaResetState[] = ['requested', 'approved'];

export type LostDeviceWhat = 'lost' | 'broken' | 'replaced';
export const LOST_DEVICE_WHAT: readonly LostDeviceWhat[] = ['lost', 'broken', 'replaced'];

/** An MFA reset: the kernel's approval row, and the device it removes. */
export interface MfaReset extends ApprovalRow {
  readonly state: MfaResetState;
  readonly serialNumber: string;
  readonly deviceType: MfaDeviceType;
  readonly deviceEnabledAt: number | undefined;
  readonly what: LostDeviceWhat;
  readonly note: string;
  readonly removedAt: number | undefined;
  readonly reenrolDue: number | undefined;
  readonly reenrolledAt: number | undefined;
}

export interface MfaResetSettings {
  /** MFA_RESET_APPROVALS. */
  readonly approvals: number;
  /** PRIVILEGED_APPROVALS: an admin-level user needs at least this many. */
  readonly privilegedApprovals: number;
  readonly requestTtlHours: number;
  readonly reenrolHours: number;
}

export const NOTE_MAX = 500;

export const requiredResetApprovals = (privileged: boolean, s: MfaResetSettings) =>
  privileged ? Math.max(s.approvals, s.privilegedApprovals) : s.approvals;

export const resetExpiresAt = (createdAt: number, s: MfaResetSettings) =>
  createdAt + s.requestTtlHours * HOUR_MS;
export const reenrolDue = (removedAt: number, s: MfaResetSettings) => removedAt + s.reenrolHours * HOUR_MS;

export type NoteProblem = 'note_required' | 'note_too_long';

export function checkNote(note: string | undefined): NoteProblem | undefined {
  const text = (note ?? '').trim();
  if (!text) return 'note_required';
  if (text.length > NOTE_MAX) return 'note_too_long';
  return undefined;
}

export type ResetRefusal = ApprovalRefusal | 'not_verified';

/** Who may approve: the rule every approved workflow shares — and only having verified the person outside Slack. */
export function checkResetDecider(
  reset: MfaReset,
  deciderSlackId: string,
  facts: Parameters<typeof checkApprover>[2] & { readonly verified: boolean },
): ResetRefusal | undefined {
  const refusal = checkApprover(reset, deciderSlackId, facts);
  if (refusal) return refusal;
  return facts.verified ? undefined : 'not_verified';
}

/**
 * Whether the person can sign in with MFA again: IAM lists only enabled devices for a user, and the reset one is gone,
 * so any device listed is one they enrolled since (or another they already had).
 */
export const reenrolled = (devices: readonly unknown[]) => devices.length > 0;

/** About a reset of a lost or broken MFA device; rendered from the reset's record when sent. */
export type MfaResetNotice = {
  /**
   * `mfa_reset_decided`: to the requester (approved, denied, expired, failed — `state`). `mfa_reset_done`: the device is
   * removed, re-enrol now. `mfa_reenrol_overdue`: to the owner, no device yet. `mfa_reenrol_overdue_alert`: to security.
   */
  readonly kind: 'mfa_reset_decided' | 'mfa_reset_done' | 'mfa_reenrol_overdue' | 'mfa_reenrol_overdue_alert';
  readonly resetId: string;
  readonly state?: string;
  readonly requestId?: undefined;
};

/** Something that happened to a reset; `decide` says what it moves the reset to and who is told. */
export type MfaResetEvent =
  | DecisionEvent
  | { readonly kind: 'removed'; readonly at: number }
  | { readonly kind: 'failed'; readonly failure: string }
  | { readonly kind: 'reenrolled'; readonly at: number }
  | { readonly kind: 'overdue' };

export type MfaResetMove = Move<MfaReset, MfaResetNotice>;

/** The reset's state machine in one place, as the rotation's: `(reset, event) → move`. */
export function decide(r: MfaReset, e: MfaResetEvent, s: MfaResetSettings): MfaResetMove {
  const resetId = r.id;
  const toRequester = (notice: MfaResetNotice) => [{ to: r.requesterSlackId, notice }];
  const decided = (state: MfaResetState) => toRequester({ kind: 'mfa_reset_decided', resetId, state });
  switch (e.kind) {
    case 'approved':
    case 'denied':
    case 'expired':
      return decisionMove(e, decided);
    case 'failed':
      return {
        from: ['approved'],
        to: 'failed',
        patch: { failure: e.failure, ...RELEASED },
        notices: decided('failed'),
        detail: e.failure,
      };
    case 'removed':
      return {
        from: ['approved'],
        to: 'removed',
        patch: { removedAt: e.at, reenrolDue: reenrolDue(e.at, s), ...RELEASED },
        notices: toRequester({ kind: 'mfa_reset_done', resetId }),
      };
    case 'reenrolled':
      return { from: ['removed'], to: 'reenrolled', patch: { reenrolledAt: e.at }, notices: [] };
    case 'overdue':
      return {
        from: ['removed'],
        to: 'overdue',
        patch: {},
        notices: [
          ...toRequester({ kind: 'mfa_reenrol_overdue', resetId }),
          { to: SECURITY_CHANNEL, notice: { kind: 'mfa_reenrol_overdue_alert', resetId } },
        ],
      };
  }
}

/** One thing the reset jobs have to do now. */
export type ResetStep =
  | { readonly kind: 'expire'; readonly reset: MfaReset }
  | { readonly kind: 'resume'; readonly reset: MfaReset }
  | { readonly kind: 'follow_up'; readonly reset: MfaReset };

/** What the jobs (and their dry-run plan) have to do with a reset now; pure, the clock is an argument. */
export function dueResetStep(r: MfaReset, now: number): ResetStep | undefined {
  if (r.state === 'requested' && now >= r.expiresAt) return { kind: 'expire', reset: r };
  if (r.state === 'approved') return { kind: 'resume', reset: r };
  if (r.state === 'removed' && r.reenrolDue !== undefined && now >= r.reenrolDue)
    return { kind: 'follow_up', reset: r };
  return undefined;
}

/** The states a reset may still have work in. */
export const UNFINISHED_RESET_STATES: readonly MfaResetState[] = ['requested', 'approved', 'removed'];
