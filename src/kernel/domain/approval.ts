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
