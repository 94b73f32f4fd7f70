import type { PlannedStep } from '../../kernel/plan.js';
import { dueRotationSteps, oldKeyAtDeadline, type RotationStep } from './jobs.js';
import type { RotationDeps } from './ports.js';

/** What each due step would do, in words; `deactivate` asks AWS the job's own question (used since?). */
async function describe(deps: Pick<RotationDeps, 'keys'>, step: RotationStep): Promise<PlannedStep> {
  const r = step.request;
  const subject = `${r.oldKeyId} of ${r.iamUser} (${r.accountId}), request ${r.id}`;
  const job = 'rotation';
  switch (step.kind) {
    case 'resume':
      return {
        job,
        action: 'resume rotation',
        subject,
        detail: 'create the new key, store it in Secrets Manager, DM the owner',
      };
    case 'deliver':
      return {
        job,
        action: 'resume delivery',
        subject,
        detail: 'store the new key in Secrets Manager, DM the owner',
      };
    case 'expire':
      return {
        job,
        action: 'expire request',
        subject,
        detail: 'update the approval message, tell the requester',
      };
    case 'deactivate': {
      const { lastUsedAt, verdict } = await oldKeyAtDeadline(deps, r);
      if (verdict === 'postpone')
        return {
          job,
          action: 'postpone deactivation of old key',
          subject,
          detail: `used ${new Date(lastUsedAt ?? 0).toISOString()}: one more grace period; DM the owner, alert security and the approvers`,
        };
      return {
        job,
        action: 'deactivate old key',
        subject,
        detail:
          verdict === 'deactivate_in_use'
            ? 'still in use: DM the owner, alert security and the approvers'
            : 'DM the owner',
      };
    }
    case 'delete':
      return { job, action: 'delete old key', subject, detail: 'DM the owner' };
    case 'check_orphans':
      return {
        job,
        action: 'check a failed attempt for a key no secret holds',
        subject: `request ${r.id} (${r.iamUser})`,
      };
  }
}

/** What the rotation jobs would do now: the steps they would take, read only. */
export async function planRotations(
  deps: Pick<RotationDeps, 'store' | 'keys'>,
  now: number,
): Promise<PlannedStep[]> {
  const steps: PlannedStep[] = [];
  for (const step of await dueRotationSteps(deps.store, now)) steps.push(await describe(deps, step));
  for (const r of await deps.store.unsynced())
    steps.push({
      job: 'rotation',
      action: 'update approval message',
      subject: `request ${r.id} (${r.state})`,
    });
  return steps;
}
