import type { PlannedStep } from '../../kernel/plan.js';
import { syncStaleMessages } from '../../kernel/workflow/sync.js';
import { expireDeletion } from './decide-deletion.js';
import { dueRootDeletionStep, OPEN_ROOT_DELETION_STATES, type RootDeletionStep } from './domain.js';
import { executeDeletion } from './execute-deletion.js';
import type { RootDeletionDeps, RootDeletionStore } from './ports.js';

export interface RootDeletionReport {
  rootDeletionsExpired: number;
  rootDeletionsResumed: number;
}

/** What the jobs have to do now: the one rule they act on and their dry-run plan describes. */
export async function dueRootDeletionSteps(
  store: Pick<RootDeletionStore, 'inStates'>,
  now: number,
): Promise<RootDeletionStep[]> {
  return (await store.inStates(OPEN_ROOT_DELETION_STATES)).flatMap((d) => dueRootDeletionStep(d, now) ?? []);
}

/** The jobs' part: expire requests nobody decided, resume a deletion a crash or a throttled AWS interrupted. */
export async function runRootDeletionJobs(
  deps: RootDeletionDeps,
  report: { errors: number },
): Promise<RootDeletionReport> {
  const out: RootDeletionReport = { rootDeletionsExpired: 0, rootDeletionsResumed: 0 };
  for (const step of await dueRootDeletionSteps(deps.deletions, deps.clock.now().getTime())) {
    const d = step.deletion;
    try {
      if (step.kind === 'expire' && (await expireDeletion(deps, d))) out.rootDeletionsExpired++;
      if (step.kind === 'resume' && (await executeDeletion(deps, d)) !== 'skipped')
        out.rootDeletionsResumed++;
    } catch (error) {
      report.errors++;
      deps.logger.error(
        { err: error, deletionId: d.id, state: d.state },
        'root credentials deletion job step failed; will retry',
      );
    }
  }
  await syncStaleMessages({ table: deps.deletions, board: deps.board, logger: deps.logger });
  return out;
}

/** What the jobs would do now, read only. */
export async function planRootDeletions(
  deps: Pick<RootDeletionDeps, 'deletions'>,
  now: number,
): Promise<PlannedStep[]> {
  const job = 'root_deletion';
  const steps: PlannedStep[] = (await dueRootDeletionSteps(deps.deletions, now)).map(
    ({ kind, deletion: d }) => {
      const subject = `root of ${d.accountId}, request ${d.id}`;
      return kind === 'expire'
        ? {
            job,
            action: 'expire root deletion request',
            subject,
            detail: 'update the approval message, tell the requester',
          }
        : {
            job,
            action: 'resume: delete root credentials (sts:AssumeRoot)',
            subject,
            detail: 'post to security',
          };
    },
  );
  for (const d of await deps.deletions.unsynced())
    steps.push({ job, action: 'update approval message', subject: `root deletion ${d.id} (${d.state})` });
  return steps;
}
