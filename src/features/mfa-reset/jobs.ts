import { SYSTEM } from '../../kernel/domain/workflow.js';
import { syncStaleMessages } from '../../kernel/workflow/sync.js';
import { applyReset } from './apply.js';
import { expireReset } from './decide-reset.js';
import {
  dueResetStep,
  type MfaReset,
  type ResetStep,
  reenrolled,
  UNFINISHED_RESET_STATES,
} from './domain.js';
import { executeReset } from './execute-reset.js';
import type { MfaResetDeps, MfaResetStore } from './ports.js';

export interface MfaResetReport {
  resetsExpired: number;
  resetsResumed: number;
  reenrolled: number;
  reenrolOverdue: number;
}

/** What the reset jobs have to do now: the one rule the jobs act on and their dry-run plan describes. */
export async function dueResetSteps(
  store: Pick<MfaResetStore, 'inStates'>,
  now: number,
): Promise<ResetStep[]> {
  return (await store.inStates(UNFINISHED_RESET_STATES)).flatMap((r) => dueResetStep(r, now) ?? []);
}

/** Whether the person enrolled a device since the reset: the question the follow-up asks (and the plan). */
export const hasReenrolled = async (deps: Pick<MfaResetDeps, 'iam'>, r: MfaReset) =>
  reenrolled(await deps.iam.listMfaDevices(r.iamUser, r.accountId));

async function followUp(deps: MfaResetDeps, r: MfaReset, out: MfaResetReport): Promise<void> {
  if (await hasReenrolled(deps, r)) {
    if (await applyReset(deps, r, { kind: 'reenrolled', at: deps.clock.now().getTime() }, SYSTEM))
      out.reenrolled++;
    return;
  }
  if (await applyReset(deps, r, { kind: 'overdue' }, SYSTEM)) {
    out.reenrolOverdue++;
    deps.logger.warn({ resetId: r.id, iamUser: r.iamUser }, 'no MFA device enabled since the reset');
  }
}

/**
 * The jobs' part: expire resets nobody decided, resume removals a crash interrupted, and when MFA_REENROL_HOURS have
 * passed, either record the re-enrolment or nudge the owner and tell security — once.
 */
export async function runMfaResetJobs(
  deps: MfaResetDeps,
  report: { errors: number },
): Promise<MfaResetReport> {
  const out: MfaResetReport = { resetsExpired: 0, resetsResumed: 0, reenrolled: 0, reenrolOverdue: 0 };
  for (const step of await dueResetSteps(deps.resets, deps.clock.now().getTime())) {
    const r = step.reset;
    try {
      if (step.kind === 'expire' && (await expireReset(deps, r))) out.resetsExpired++;
      if (step.kind === 'resume' && (await executeReset(deps, r)) !== 'skipped') out.resetsResumed++;
      if (step.kind === 'follow_up') await followUp(deps, r, out);
    } catch (error) {
      report.errors++;
      deps.logger.error(
        { err: error, resetId: r.id, state: r.state },
        'MFA reset job step failed; will retry',
      );
    }
  }
  await syncStaleMessages({ table: deps.resets, board: deps.board, logger: deps.logger });
  return out;
}
