import type { PlannedStep } from '../../kernel/plan.js';
import { dueResetSteps, hasReenrolled } from './jobs.js';
import type { MfaResetDeps } from './ports.js';

/** What the reset jobs would do now, read only: the same due steps, the same question about re-enrolment. */
export async function planResets(
  deps: Pick<MfaResetDeps, 'resets' | 'iam'>,
  now: number,
): Promise<PlannedStep[]> {
  const steps: PlannedStep[] = [];
  const job = 'mfa_reset';
  for (const { kind, reset: r } of await dueResetSteps(deps.resets, now)) {
    const subject = `${r.serialNumber} of ${r.iamUser} (${r.accountId}), reset ${r.id}`;
    if (kind === 'expire')
      steps.push({
        job,
        action: 'expire reset request',
        subject,
        detail: 'update the approval message, tell the requester',
      });
    else if (kind === 'resume')
      steps.push({ job, action: 'resume reset: remove the MFA device', subject, detail: 'DM the owner' });
    else
      steps.push(
        (await hasReenrolled(deps, r))
          ? { job, action: 'record re-enrolment', subject }
          : { job, action: 're-enrolment overdue', subject, detail: 'DM the owner, alert security' },
      );
  }
  for (const r of await deps.resets.unsynced())
    steps.push({ job, action: 'update approval message', subject: `reset ${r.id} (${r.state})` });
  return steps;
}
