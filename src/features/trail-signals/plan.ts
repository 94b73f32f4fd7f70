import { FactError, operatorSentence } from '../../errors.js';
import type { PlannedStep } from '../../kernel/plan.js';
import { signalKey, signalsIn, signalWindowStart, type TrailSignalDeps } from './run-trail-signals.js';

/** The CloudTrail events the signals job would read now, and what it would say about those not yet handled. */
export async function planSignals(deps: TrailSignalDeps, now: Date): Promise<PlannedStep[]> {
  const since = await signalWindowStart(deps, now);
  let events: Awaited<ReturnType<TrailSignalDeps['events']['eventsBetween']>>;
  try {
    events = await deps.events.eventsBetween(since, now);
  } catch (error) {
    // Whatever CloudTrail does (refuses, throttles, is unreachable), it is one warning step: the rest is still planned.
    const reason =
      error instanceof FactError
        ? `${error.reason.action}: ${error.reason.kind}${error.reason.code ? ` (${error.reason.code})` : ''}`
        : (operatorSentence(error) ?? (error as Error).message);
    return [
      { job: 'cloudtrail', action: 'warning: CloudTrail could not be read', subject: reason, warning: true },
    ];
  }
  const steps: PlannedStep[] = [];
  for (const signal of await signalsIn(deps, events)) {
    if (await deps.scans.wasSeen(signalKey(signal))) continue;
    const subject = `${signal.event.eventName} at ${signal.event.eventTime.toISOString()}`;
    if (signal.kind === 'root_activity')
      steps.push({ job: 'cloudtrail', action: 'alert security: root activity', subject });
    else if (signal.kind === 'key_created_outside')
      steps.push({
        job: 'cloudtrail',
        action: 'tell owner and security: key created outside the bot',
        subject,
        detail: signal.targetUserArn,
      });
    else if (signal.kind === 'user_quarantined')
      steps.push({
        job: 'cloudtrail',
        action: 'tell owner and security at once: AWS quarantined the user (unless already told)',
        subject,
        detail: `${signal.accountId}:${signal.userName}`,
      });
    else
      steps.push({
        job: 'cloudtrail',
        action: 'nudge: console sign-in without MFA (unless they have MFA now)',
        subject,
        detail: signal.userArn,
      });
  }
  return steps;
}
