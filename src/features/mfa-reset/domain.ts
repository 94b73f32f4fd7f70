import { type ApprovalRefusal, checkApprover } from '../../kernel/domain/approval.js';
import { HOUR_MS } from '../../kernel/domain/time.js';
import type { MfaDeviceType } from '../../kernel/domain/types.js';

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

export interface MfaReset {
  readonly id: string;
  readonly state: MfaResetState;
  readonly requesterSlackId: string;
  readonly iamUser: string;
  readonly iamUserArn: string;
  readonly accountId: string;
  readonly serialNumber: string;
  readonly deviceType: MfaDeviceType;
  readonly deviceEnabledAt: number | undefined;
  readonly what: LostDeviceWhat;
  readonly note: string;
  readonly requiredApprovals: number;
  readonly privileged: boolean;
  readonly approvalChannel: string;
  readonly approvalTs: string | undefined;
  readonly messageSynced: boolean;
  readonly decidedBy: string | undefined;
  readonly decidedAt: number | undefined;
  readonly denyReason: string | undefined;
  readonly removedAt: number | undefined;
  readonly reenrolDue: number | undefined;
  readonly reenrolledAt: number | undefined;
  readonly failure: string | undefined;
  readonly leaseUntil: number | undefined;
  readonly leaseHolder: string | undefined;
  readonly expiresAt: number;
  readonly createdAt: number;
  readonly updatedAt: number;
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
