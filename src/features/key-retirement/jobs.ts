import { RELEASED, SYSTEM } from '../../kernel/domain/workflow.js';
import { claim } from '../../kernel/workflow/move.js';
import { applyRetirement } from './apply.js';
import {
  dueRetirementStep,
  type KeyRetirement,
  type RetirementStep,
  UNFINISHED_RETIREMENT_STATES,
} from './domain.js';
import type { RetireDeps, RetirementStore } from './ports.js';
import { finishDeactivation } from './retire-key.js';

export interface RetirementReport {
  retiredDeleted: number;
  retirementsResumed: number;
}

/** What the retirement jobs have to do now: the one rule the jobs act on and their dry-run plan describes. */
export async function dueRetirementSteps(
  store: Pick<RetirementStore, 'inStates'>,
  now: number,
): Promise<RetirementStep[]> {
  return (await store.inStates(UNFINISHED_RETIREMENT_STATES)).flatMap((r) => dueRetirementStep(r, now) ?? []);
}

/** Whether a retired key due for deletion was switched back on outside the bot (and so is kept): the job's question. */
export async function retiredKeyNow(deps: Pick<RetireDeps, 'keys'>, row: KeyRetirement) {
  return (await deps.keys.listAccessKeys(row.iamUser, row.accountId)).find((k) => k.accessKeyId === row.id);
}

/** Its one grace period back on is over: off again, for good, and deleted on the usual schedule. */
async function switchOffAgain(deps: RetireDeps, row: KeyRetirement): Promise<boolean> {
  const again = await applyRetirement(deps, row, { kind: 'grace_over' }, SYSTEM);
  return again ? (await finishDeactivation(deps, again)) === 'done' : false;
}

async function deleteRetiredKey(deps: RetireDeps, row: KeyRetirement): Promise<boolean> {
  // A leaked key being replaced by a rotation: the rotation's own schedule deletes it.
  if (await deps.inRotation(row.id)) {
    await deps.retirements.update(row.id, RELEASED);
    return false;
  }
  const key = await retiredKeyNow(deps, row);
  if (key?.status === 'Active') {
    await applyRetirement(deps, row, { kind: 'reactivated_outside' }, SYSTEM);
    deps.logger.warn(
      { accessKeyId: row.id },
      'a retired key was switched back on outside the bot; not deleted',
    );
    return false;
  }
  if (key) await deps.keys.deleteAccessKey(row.iamUser, row.id, row.accountId);
  return (
    (await applyRetirement(deps, row, { kind: 'deleted', at: deps.clock.now().getTime() }, SYSTEM)) !==
    undefined
  );
}

/**
 * The jobs' part: deletes retired keys whose time has come — unless the key was switched back on outside the bot, which
 * is recorded and left alone — finishes switching off keys whose runner died, and switches off again keys whose one
 * grace period back on is over.
 */
export async function runRetirementJobs(
  deps: RetireDeps,
  report: { errors: number },
): Promise<RetirementReport> {
  const out: RetirementReport = { retiredDeleted: 0, retirementsResumed: 0 };
  const now = deps.clock.now().getTime();
  for (const step of await dueRetirementSteps(deps.retirements, now)) {
    const held = await claim(deps.retirements, step.row, step.row.state, { now, holder: deps.holder });
    if (!held) continue;
    try {
      if (step.kind === 'finish' && (await finishDeactivation(deps, held)) === 'done')
        out.retirementsResumed++;
      if (step.kind === 'switch_off_again' && (await switchOffAgain(deps, held))) out.retirementsResumed++;
      if (step.kind === 'delete' && (await deleteRetiredKey(deps, held))) out.retiredDeleted++;
    } catch (error) {
      report.errors++;
      deps.logger.error({ err: error, accessKeyId: held.id }, 'retired key step failed');
      await deps.retirements.update(held.id, RELEASED);
    }
  }
  return out;
}
