import { RELEASED } from '../../kernel/domain/workflow.js';
import { claim } from '../../kernel/workflow/move.js';
import { applyRetirement } from './apply.js';
import { reactivationRefusal } from './domain.js';
import type { RetireDeps } from './ports.js';

export type ReactivateOutcome = 'done' | 'not_owner' | 'not_now' | 'failed' | 'leaked' | 'once';

/** What the owner's Reactivate did; when done, until when the key stays on. */
export interface ReactivateResult {
  readonly outcome: ReactivateOutcome;
  readonly until?: number | undefined;
}

/**
 * The owner switches a retired key back on before it is deleted: once, for one grace period (then the jobs switch it
 * off again for good), and the security channel is told. A key that leaked stays off: a new key comes through rotation.
 */
export async function reactivateRetiredKey(
  deps: RetireDeps,
  slackUserId: string,
  keyId: string,
): Promise<ReactivateResult> {
  const outcome = (o: ReactivateOutcome, until?: number): ReactivateResult => ({ outcome: o, until });
  const row = await deps.retirements.get(keyId);
  if (row?.state !== 'deactivated') return outcome('not_now');
  const found = await deps.findIamUser(slackUserId);
  const mine = found.kind === 'found' ? found.claims.find((u) => u.user.arn === row.iamUserArn) : undefined;
  if (mine?.trust.kind !== 'trusted') return outcome(found.kind === 'failed' ? 'failed' : 'not_owner');
  const refusal = reactivationRefusal(row);
  if (refusal) {
    deps.logger.warn({ accessKeyId: keyId, slackUserId, refusal }, 'reactivation of a retired key refused');
    return outcome(refusal);
  }
  const at = deps.clock.now().getTime();
  const held = await claim(deps.retirements, row, 'deactivated', { now: at, holder: deps.holder });
  if (!held) return outcome('not_now');
  try {
    await deps.keys.setAccessKeyStatus(held.iamUser, keyId, 'Active', held.accountId);
  } catch (error) {
    deps.logger.error({ err: error, accessKeyId: keyId }, 'could not reactivate the key');
    await deps.retirements.update(keyId, RELEASED);
    return outcome('failed');
  }
  const moved = await applyRetirement(deps, held, { kind: 'reactivated', at }, slackUserId);
  if (moved) deps.logger.warn({ accessKeyId: keyId, slackUserId }, 'a retired key was switched back on');
  return moved ? outcome('done', moved.reactivatedUntil) : outcome('not_now');
}
