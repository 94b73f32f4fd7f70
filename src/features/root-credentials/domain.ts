import type { ApprovalRow, DecisionEvent } from '../../kernel/domain/approval.js';
import { decisionMove } from '../../kernel/domain/approval.js';
import { HOUR_MS } from '../../kernel/domain/time.js';
import { type Move, RELEASED, SECURITY_CHANNEL } from '../../kernel/domain/workflow.js';

/**
 * Deleting a member account's root user credentials under centralised root access (`sts:AssumeRoot` with the task
 * policy IAMDeleteRootUserCredentials). Asked for by an approver from the security digest, approved by at least two
 * others, carried out once under a lease. It is the bot's only use of AssumeRoot.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html
 */
export type RootDeletionState =
  | 'requested'
  | 'approved'
  /** The root session removed whatever it found: password, access keys, signing certificates, MFA devices. */
  | 'deleted'
  | 'denied'
  | 'expired'
  | 'failed';

export const ROOT_DELETION_TRANSITIONS: Readonly<Record<RootDeletionState, readonly RootDeletionState[]>> = {
  requested: ['approved', 'denied', 'expired'],
  approved: ['deleted', 'failed'],
  deleted: [],
  denied: [],
  expired: [],
  failed: [],
};

/** One open deletion per member account (the database refuses a second). */
export const OPEN_ROOT_DELETION_STATES: readonly RootDeletionState[] = ['requested', 'approved'];

/** The task policy that scopes the root session to deleting root's credentials, and nothing else. */
export const DELETE_ROOT_TASK_POLICY = 'arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials';

/** Root's credentials, as a root session found and removed them. Counts and IDs only: nothing secret. */
export interface RootCredentialsRemoved {
  readonly password: boolean;
  readonly accessKeys: readonly string[];
  readonly signingCertificates: readonly string[];
  readonly mfaDevices: readonly string[];
}

export const nothingRemoved = (r: RootCredentialsRemoved) =>
  !r.password && !r.accessKeys.length && !r.signingCertificates.length && !r.mfaDevices.length;

/**
 * A deletion request: the kernel's approval row about the member account's root (`iamUser` is `root`, `iamUserArn`
 * the account's root ARN), and what was removed once done (as JSON).
 */
export interface RootDeletion extends ApprovalRow {
  readonly state: RootDeletionState;
  readonly removed: string | undefined;
  readonly deletedAt: number | undefined;
}

export interface RootDeletionSettings {
  /** PRIVILEGED_APPROVALS: root is the most privileged principal there is, so never fewer than two. */
  readonly privilegedApprovals: number;
  readonly requestTtlHours: number;
}

/** Root is the most privileged principal of an account: at least two approvers besides the one who asked. */
export const requiredRootApprovals = (s: RootDeletionSettings) => Math.max(2, s.privilegedApprovals);

export const rootDeletionExpiresAt = (createdAt: number, s: RootDeletionSettings) =>
  createdAt + s.requestTtlHours * HOUR_MS;

export const rootArn = (accountId: string) => `arn:aws:iam::${accountId}:root`;

export function parseRemoved(json: string | undefined): RootCredentialsRemoved | undefined {
  if (!json) return undefined;
  try {
    return JSON.parse(json) as RootCredentialsRemoved;
  } catch {
    return undefined;
  }
}

/** About a root-credentials deletion; rendered from its record when sent. */
export type RootDeletionNotice = {
  /** `root_deletion_decided`: to the requester (approved, denied, expired, failed). `root_deletion_done`: to security. */
  readonly kind: 'root_deletion_decided' | 'root_deletion_done';
  readonly deletionId: string;
  readonly state?: string;
  readonly requestId?: undefined;
};

export type RootDeletionEvent =
  | DecisionEvent
  | { readonly kind: 'deleted'; readonly at: number; readonly removed: RootCredentialsRemoved }
  | { readonly kind: 'failed'; readonly failure: string };

export type RootDeletionMove = Move<RootDeletion, RootDeletionNotice>;

/** The deletion's state machine in one place: `(deletion, event) → move`. */
export function decide(r: RootDeletion, e: RootDeletionEvent): RootDeletionMove {
  const deletionId = r.id;
  const decided = (state: RootDeletionState) => [
    { to: r.requesterSlackId, notice: { kind: 'root_deletion_decided' as const, deletionId, state } },
  ];
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
        notices: [
          ...decided('failed'),
          { to: SECURITY_CHANNEL, notice: { kind: 'root_deletion_done', deletionId } },
        ],
        detail: e.failure,
      };
    case 'deleted':
      return {
        from: ['approved'],
        to: 'deleted',
        patch: { deletedAt: e.at, removed: JSON.stringify(e.removed), ...RELEASED },
        notices: [{ to: SECURITY_CHANNEL, notice: { kind: 'root_deletion_done', deletionId } }],
        detail: describeRemoved(e.removed),
      };
  }
}

/** What the audit log says was removed: counts and IDs, never more. */
export function describeRemoved(r: RootCredentialsRemoved): string {
  const parts = [
    r.password ? 'console password' : undefined,
    r.accessKeys.length ? `access keys ${r.accessKeys.join(', ')}` : undefined,
    r.signingCertificates.length ? `signing certificates ${r.signingCertificates.join(', ')}` : undefined,
    r.mfaDevices.length ? `MFA devices ${r.mfaDevices.join(', ')}` : undefined,
  ].filter((p): p is string => p !== undefined);
  return parts.length ? `deleted ${parts.join('; ')}` : 'no root credentials were left to delete';
}

/** One thing the jobs have to do with a deletion now. */
export type RootDeletionStep =
  | { readonly kind: 'expire'; readonly deletion: RootDeletion }
  | { readonly kind: 'resume'; readonly deletion: RootDeletion };

/** Pure: the clock is an argument. The jobs act on it, and their dry-run plan describes it. */
export function dueRootDeletionStep(r: RootDeletion, now: number): RootDeletionStep | undefined {
  if (r.state === 'requested' && now >= r.expiresAt) return { kind: 'expire', deletion: r };
  if (r.state === 'approved') return { kind: 'resume', deletion: r };
  return undefined;
}
