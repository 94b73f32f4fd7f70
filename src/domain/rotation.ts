import type { AttachedPolicy } from './types.js';

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

export const TRANSITIONS: Readonly<Record<RotationState, readonly RotationState[]>> = {
  requested: ['approved', 'denied', 'expired', 'failed'],
  approved: ['key_created', 'failed'],
  key_created: ['delivered', 'failed'],
  // Reactivating the old key moves it back to `delivered` with the schedule paused.
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

export interface RotationRequest {
  readonly id: string;
  readonly state: RotationState;
  readonly requesterSlackId: string;
  readonly iamUser: string;
  readonly iamUserArn: string;
  readonly accountId: string;
  readonly oldKeyId: string;
  /** The old key as it was when requested, for the approval message. */
  readonly oldKeyCreatedAt: number;
  readonly oldKeyLastUsedAt: number | undefined;
  readonly oldKeyLastService: string | undefined;
  readonly reason: string;
  readonly requiredApprovals: number;
  readonly privileged: boolean;
  readonly approvalChannel: string;
  readonly approvalTs: string | undefined;
  readonly messageSynced: boolean;
  readonly decidedBy: string | undefined;
  readonly decidedAt: number | undefined;
  readonly denyReason: string | undefined;
  readonly newKeyId: string | undefined;
  readonly newKeyCreatedAt: number | undefined;
  readonly secretArn: string | undefined;
  readonly secretName: string | undefined;
  readonly deliveredAt: number | undefined;
  readonly deactivateAfter: number | undefined;
  readonly deactivatedAt: number | undefined;
  readonly deleteAfter: number | undefined;
  readonly deletedAt: number | undefined;
  readonly paused: boolean;
  readonly leaseUntil: number | undefined;
  /** Set just before CreateAccessKey: a key created after it by a crashed attempt belongs to this request. */
  readonly attemptStartedAt: number | undefined;
  readonly failure: string | undefined;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly expiresAt: number;
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
    paused: false,
    leaseUntil: undefined,
    attemptStartedAt: undefined,
    failure: undefined,
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
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

export type ReasonProblem = 'reason_required' | 'reason_too_long';

export function checkReason(reason: string | undefined): ReasonProblem | undefined {
  const text = (reason ?? '').trim();
  if (!text) return 'reason_required';
  if (text.length > REASON_MAX) return 'reason_too_long';
  return undefined;
}

const PRIVILEGED_POLICIES = new Set(['AdministratorAccess', 'IAMFullAccess']);

/** Admin-level users (AdministratorAccess or IAMFullAccess, directly or through a group) need more approvals. */
export function isPrivileged(policies: readonly AttachedPolicy[]): boolean {
  return policies.some(
    (p) =>
      (p.source.kind === 'user-managed' || p.source.kind === 'group-managed') &&
      p.source.policyArn.startsWith('arn:aws') &&
      p.source.policyArn.includes(':iam::aws:policy/') &&
      PRIVILEGED_POLICIES.has(p.source.policyName),
  );
}

export function requiredApprovals(privileged: boolean, settings: RotationSettings): number {
  return privileged
    ? Math.max(settings.privilegedApprovals, settings.requiredApprovals)
    : settings.requiredApprovals;
}

export type DecisionRefusal = 'self' | 'not_approver' | 'closed' | 'already_approved';

/** Who may decide: an approver who is not the requester, while the request is still waiting. */
export function checkDecider(
  request: RotationRequest,
  deciderSlackId: string,
  isApprover: boolean,
  approvedBy: readonly string[],
): DecisionRefusal | undefined {
  if (request.state !== 'requested') return 'closed';
  if (deciderSlackId === request.requesterSlackId) return 'self';
  if (!isApprover) return 'not_approver';
  if (approvedBy.includes(deciderSlackId)) return 'already_approved';
  return undefined;
}

export const expiresAt = (createdAt: number, s: RotationSettings) => createdAt + s.requestTtlHours * HOUR_MS;
export const deactivateAfter = (from: number, s: RotationSettings) => from + s.graceDays * DAY_MS;
export const deleteAfter = (from: number, s: RotationSettings) => from + s.deleteDays * DAY_MS;

export type LifecycleStep = 'expire' | 'deactivate' | 'delete' | undefined;

/** What the scheduled job should do with a request now. Pure: the clock is an argument. */
export function dueLifecycleStep(r: RotationRequest, now: number): LifecycleStep {
  if (r.state === 'requested' && now >= r.expiresAt) return 'expire';
  if (r.paused) return undefined;
  if (r.state === 'delivered' && r.deactivateAfter !== undefined && now >= r.deactivateAfter)
    return 'deactivate';
  if (r.state === 'old_deactivated' && r.deleteAfter !== undefined && now >= r.deleteAfter) return 'delete';
  return undefined;
}

/** `aws-mfa-bot/123456789012/alice`: one secret per user, a new version per rotation. */
export function secretNameFor(prefix: string, accountId: string, userName: string): string {
  return `${prefix}${accountId}/${userName}`;
}

export function secretConsoleUrl(region: string, name: string): string {
  const q = (v: string) => encodeURIComponent(v);
  return `https://${region}.console.aws.amazon.com/secretsmanager/secret?name=${q(name)}&region=${q(region)}`;
}
