import { FactError } from '../../errors.js';
import type { MappingTrust } from '../../kernel/domain/identity.js';
import type { FaultReason, IamUser } from '../../kernel/domain/types.js';
import { isAdminLevel } from '../../kernel/people/privilege.js';
import { syncMessage } from './apply.js';
import { checkReason, newRotationRequest, type ReasonProblem } from './domain.js';
import type { RotationDeps } from './ports.js';

export type RequestRotationResult =
  | { readonly kind: 'created'; readonly requestId: string }
  | {
      readonly kind: 'invalid';
      readonly field: 'key' | 'reason';
      readonly problem: ReasonProblem | 'key_not_yours' | 'key_inactive' | 'no_active_key' | 'open_request';
    }
  | { readonly kind: 'unmapped' }
  /** The mapping may not act on keys (contested, or by e-mail too recently): nothing was filed. */
  | { readonly kind: 'untrusted'; readonly trust: Exclude<MappingTrust, { kind: 'trusted' }> }
  | { readonly kind: 'failed'; readonly reason: FaultReason };

/**
 * A person asks to replace one of their active keys. Nothing changes in AWS until approvers say yes: this records
 * the request and posts it for approval. The database refuses a second open request for the same key. Without
 * `accessKeyId` (a Workflow Builder step, which offers no choice) it is the oldest active key they hold.
 */
export async function requestRotation(
  deps: RotationDeps,
  input: { slackUserId: string; accessKeyId?: string; reason: string },
): Promise<RequestRotationResult> {
  const problem = checkReason(input.reason);
  if (problem) return { kind: 'invalid', field: 'reason', problem };
  let user: IamUser | undefined;
  try {
    // The key may be in any of the person's accounts: the request, its new key and its secret go to that one.
    const { found, held: keys } = await deps.reads.keys(input.slackUserId, { refresh: true });
    if (found.kind === 'unmapped') return { kind: 'unmapped' };
    if (found.kind === 'failed') return { kind: 'failed', reason: found.reason };
    const held =
      input.accessKeyId === undefined
        ? keys
            .filter((h) => h.key.status === 'Active')
            .sort((a, b) => a.key.createDate.getTime() - b.key.createDate.getTime())[0]
        : keys.find((h) => h.key.accessKeyId === input.accessKeyId);
    if (!held)
      return {
        kind: 'invalid',
        field: 'key',
        problem: input.accessKeyId === undefined ? 'no_active_key' : 'key_not_yours',
      };
    user = held.owner.user;
    const trust = held.owner.trust;
    if (trust.kind !== 'trusted') {
      deps.logger.warn(
        { slackUserId: input.slackUserId, iamUser: user.userName, trust: trust.kind },
        'rotation request refused: the mapping may not act on keys',
      );
      return { kind: 'untrusted', trust };
    }
    const key = held.key;
    if (key.status !== 'Active' && !(await deps.leaked?.(key.accessKeyId)))
      return { kind: 'invalid', field: 'key', problem: 'key_inactive' };
    const privileged = await isAdminLevel(deps.iam, user);
    const now = deps.clock.now().getTime();
    const id = deps.newId();
    const request = newRotationRequest(
      {
        id,
        requesterSlackId: input.slackUserId,
        iamUser: user.userName,
        iamUserArn: user.arn,
        accountId: user.accountId,
        oldKeyId: key.accessKeyId,
        oldKeyCreatedAt: key.createDate.getTime(),
        oldKeyLastUsedAt: key.lastUsed?.date.getTime(),
        oldKeyLastService: key.lastUsed?.serviceName,
        reason: input.reason,
        privileged,
        approvalChannel: deps.config.approvalChannel,
      },
      now,
      deps.config,
    );
    const created = await deps.store.insert(request, input.slackUserId);
    if (created === 'duplicate') return { kind: 'invalid', field: 'key', problem: 'open_request' };
    deps.logger.info(
      { requestId: id, iamUser: user.userName, accessKeyId: key.accessKeyId, privileged },
      'rotation requested',
    );
    await syncMessage(deps, request, []);
    return { kind: 'created', requestId: id };
  } catch (error) {
    if (error instanceof FactError) {
      deps.logger.warn(
        { iamUser: user?.userName, action: error.reason.action, kind: error.reason.kind },
        'rotation request failed',
      );
      return { kind: 'failed', reason: error.reason };
    }
    throw error;
  }
}
