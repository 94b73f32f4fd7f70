import { FactError } from '../../errors.js';
import type { FaultReason } from '../../kernel/domain/types.js';
import { syncDeletionMessage } from './apply.js';
import { type RootDeletion, requiredRootApprovals, rootArn, rootDeletionExpiresAt } from './domain.js';
import type { RootDeletionDeps } from './ports.js';

export type RequestDeletionResult =
  | { readonly kind: 'created'; readonly deletionId: string }
  | { readonly kind: 'not_approver' }
  /** Not one of the member accounts the bot looks after (or the bot's own, whose root AssumeRoot cannot reach). */
  | { readonly kind: 'not_member' }
  /** The organization has no `RootSessions`: AWS refuses root sessions until it is enabled. */
  | { readonly kind: 'sessions_off' }
  | { readonly kind: 'open_request' }
  | { readonly kind: 'failed'; readonly reason: FaultReason };

/**
 * An approver asks, from the security digest, for a member account's root credentials to be deleted. Nothing changes in
 * AWS until at least two other approvers say yes: this records the request and posts it for approval.
 */
export async function requestDeletion(
  deps: RootDeletionDeps,
  input: { readonly slackUserId: string; readonly accountId: string },
): Promise<RequestDeletionResult> {
  const { slackUserId, accountId } = input;
  const refuse = <K extends RequestDeletionResult['kind']>(kind: K) => {
    deps.logger.warn({ slackUserId, accountId, refusal: kind }, 'root credentials deletion request refused');
    return { kind } as Extract<RequestDeletionResult, { kind: K }>;
  };
  const isApprover = await deps.approvers.isApprover(slackUserId).catch(() => false);
  if (!isApprover) return refuse('not_approver');
  try {
    if (!(await deps.memberAccounts()).includes(accountId)) return refuse('not_member');
    if (!(await deps.rootAccess.features()).includes('RootSessions')) return refuse('sessions_off');
  } catch (error) {
    if (error instanceof FactError) return { kind: 'failed', reason: error.reason };
    throw error;
  }
  const now = deps.clock.now().getTime();
  const deletion: RootDeletion = {
    id: deps.newId(),
    state: 'requested',
    requesterSlackId: slackUserId,
    iamUser: 'root',
    iamUserArn: rootArn(accountId),
    accountId,
    requiredApprovals: requiredRootApprovals(deps.config),
    privileged: true,
    approvalChannel: deps.config.approvalChannel,
    approvalTs: undefined,
    messageSynced: false,
    decidedBy: undefined,
    decidedAt: undefined,
    denyReason: undefined,
    failure: undefined,
    removed: undefined,
    deletedAt: undefined,
    leaseUntil: undefined,
    leaseHolder: undefined,
    expiresAt: rootDeletionExpiresAt(now, deps.config),
    createdAt: now,
    updatedAt: now,
  };
  if ((await deps.deletions.insert(deletion, slackUserId)) === 'duplicate') return refuse('open_request');
  deps.logger.info(
    { deletionId: deletion.id, accountId, slackUserId },
    'root credentials deletion requested',
  );
  await syncDeletionMessage(deps, deletion, []);
  return { kind: 'created', deletionId: deletion.id };
}
