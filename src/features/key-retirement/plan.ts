import type { PlannedStep } from '../../kernel/plan.js';
import { dueRetirementSteps, retiredKeyNow } from './jobs.js';
import type { RetireDeps } from './ports.js';

/** What the retirement jobs would do now, read only: the same due steps, the same question about each key. */
export async function planRetirements(
  deps: Pick<RetireDeps, 'retirements' | 'keys'>,
  now: number,
): Promise<PlannedStep[]> {
  const steps: PlannedStep[] = [];
  for (const { kind, row } of await dueRetirementSteps(deps.retirements, now)) {
    const subject = `${row.id} of ${row.iamUser} (${row.accountId})`;
    const job = 'retired_key';
    if (kind === 'finish')
      steps.push({ job, action: 'finish deactivating retired key', subject, detail: 'DM the owner' });
    else if (kind === 'switch_off_again')
      steps.push({
        job,
        action: 'deactivate again: its grace period back on is over',
        subject,
        detail: 'DM the owner',
      });
    else
      steps.push(
        (await retiredKeyNow(deps, row))?.status === 'Active'
          ? { job, action: 'keep retired key (switched back on outside the bot)', subject }
          : { job, action: 'delete retired key', subject, detail: 'DM the owner' },
      );
  }
  return steps;
}
