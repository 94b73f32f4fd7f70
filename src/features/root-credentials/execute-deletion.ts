import { FactError } from '../../errors.js';
import { RELEASED, SYSTEM } from '../../kernel/domain/workflow.js';
import { claim } from '../../kernel/workflow/move.js';
import { applyDeletion, syncDeletionMessage } from './apply.js';
import { describeRemoved, type RootDeletion } from './domain.js';
import type { RootDeletionDeps } from './ports.js';

/**
 * Under a lease: one root session, root's credentials removed, the record written with the security channel's post.
 * AWS refusing (AccessDenied, root sessions off) fails the request; throttled or unreachable leaves it approved for
 * the jobs to try again — harmless, what is gone is not found twice.
 */
export async function executeDeletion(
  deps: RootDeletionDeps,
  row: RootDeletion,
): Promise<'deleted' | 'failed' | 'skipped'> {
  const deletion = await claim(deps.deletions, row, 'approved', {
    now: deps.clock.now().getTime(),
    holder: deps.holder,
  });
  if (!deletion) return 'skipped';
  let removed: Awaited<ReturnType<RootDeletionDeps['rootSessions']['deleteRootCredentials']>>;
  try {
    removed = await deps.rootSessions.deleteRootCredentials(deletion.accountId);
  } catch (error) {
    const kind = error instanceof FactError ? error.reason.kind : 'other';
    deps.logger.error(
      { err: error, deletionId: deletion.id, accountId: deletion.accountId },
      'could not delete the root credentials',
    );
    if (kind === 'throttled' || kind === 'network') {
      await deps.deletions.update(deletion.id, RELEASED);
      return 'skipped';
    }
    const failure =
      error instanceof FactError ? `${error.reason.action}: ${error.reason.kind}` : 'unexpected error';
    const failed = await applyDeletion(deps, deletion, { kind: 'failed', failure }, SYSTEM);
    if (failed) await syncDeletionMessage(deps, failed);
    return 'failed';
  }
  const at = deps.clock.now().getTime();
  const done = await applyDeletion(deps, deletion, { kind: 'deleted', at, removed }, SYSTEM);
  if (!done) return 'skipped';
  deps.logger.info(
    { deletionId: deletion.id, accountId: deletion.accountId, removed: describeRemoved(removed) },
    'root credentials deleted',
  );
  await syncDeletionMessage(deps, done);
  return 'deleted';
}
