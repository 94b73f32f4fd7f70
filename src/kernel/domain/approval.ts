import type { MessageRow, Move, Patch } from './workflow.js';

/**
 * The rules every approved workflow (key rotations, MFA resets) shares: who may decide a request, and until when.
 * One function, so a rule added for one workflow cannot be missing from the other.
 */
export interface AwaitingApproval {
  readonly state: string;
  readonly requesterSlackId: string;
  /** After this instant the request cannot be approved, whether or not a job has marked it expired yet. */
  readonly expiresAt: number;
}

/** A request as approvals count towards it: how many approvers must say yes (more for an admin-level user). */
export interface Approvable extends AwaitingApproval {
  readonly requiredApprovals: number;
}

/**
 * A row of an approved workflow (a rotation, an MFA reset): its approval message, who asked and for whom, how many must
 * agree, and what was decided by whom. Each workflow adds its own fields.
 */
export interface ApprovalRow extends MessageRow, Approvable {
  readonly iamUser: string;
  readonly iamUserArn: string;
  readonly accountId: string;
  /** An admin-level IAM user: more approvals (PRIVILEGED_APPROVALS). */
  readonly privileged: boolean;
  readonly approvalChannel: string;
  /** The approvers, comma-separated, once decided. */
  readonly decidedBy: string | undefined;
  readonly decidedAt: number | undefined;
  readonly denyReason: string | undefined;
  readonly failure: string | undefined;
}

/** A deny reason is kept to this many characters (the requester reads it). */
export const DENY_REASON_MAX = 500;

/** The decisions every approved workflow's `decide()` answers, each the same way for all of them. */
export type DecisionEvent =
  | { readonly kind: 'approved'; readonly approvers: readonly string[]; readonly at: number }
  | { readonly kind: 'denied'; readonly by: string; readonly reason: string; readonly at: number }
  | { readonly kind: 'expired' };

/** Whether the approvals so far are enough to move the request on. */
export const approvalsEnough = (r: Approvable, approvals: readonly string[]): boolean =>
  approvals.length >= r.requiredApprovals;

export type ApprovalRefusal = 'closed' | 'expired' | 'self' | 'not_approver' | 'already_approved';

/** A request still waiting whose time is up: the jobs would expire it, and nobody may decide it any more. */
export const isOverdue = (r: AwaitingApproval, now: number): boolean =>
  r.state === 'requested' && now >= r.expiresAt;

/**
 * Who may decide: an approver who is not the requester, once, while the request is still waiting and not past its
 * time. Expiry is part of the decision, not only of the job that marks it.
 */
export function checkApprover(
  r: AwaitingApproval,
  deciderSlackId: string,
  facts: { readonly isApprover: boolean; readonly approvedBy: readonly string[]; readonly now: number },
): ApprovalRefusal | undefined {
  if (r.state !== 'requested') return 'closed';
  if (isOverdue(r, facts.now)) return 'expired';
  if (deciderSlackId === r.requesterSlackId) return 'self';
  if (!facts.isApprover) return 'not_approver';
  if (facts.approvedBy.includes(deciderSlackId)) return 'already_approved';
  return undefined;
}

/**
 * The move every approved workflow makes for the decisions they share, from `requested`: approved (by whom, when),
 * denied (by whom, the reason kept to DENY_REASON_MAX, when) or expired. `notices` says whom the workflow tells.
 */
export function decisionMove<R extends ApprovalRow, N>(
  e: DecisionEvent,
  notices: (state: 'approved' | 'denied' | 'expired', deciders: readonly string[]) => Move<R, N>['notices'],
): Move<R, N> {
  const from = ['requested'] as R['state'][];
  switch (e.kind) {
    case 'approved':
      return {
        from,
        to: 'approved' as R['state'],
        patch: { decidedBy: e.approvers.join(','), decidedAt: e.at } as Patch<R>,
        notices: notices('approved', e.approvers),
      };
    case 'denied':
      return {
        from,
        to: 'denied' as R['state'],
        patch: {
          decidedBy: e.by,
          decidedAt: e.at,
          denyReason: e.reason.trim().slice(0, DENY_REASON_MAX),
        } as Patch<R>,
        notices: notices('denied', [e.by]),
      };
    case 'expired':
      return { from, to: 'expired' as R['state'], patch: {} as Patch<R>, notices: notices('expired', []) };
  }
}
