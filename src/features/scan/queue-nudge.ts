import { type Finding, SEVERITY_RANK } from '../../kernel/domain/findings.js';
import type { OutboxWriter } from '../../kernel/outbox/ports.js';
import type { SlackDirectoryPort } from '../../kernel/people/ports.js';
import { nextWorkingTime } from './domain/nudge-policy.js';
import type { ScanStore } from './ports.js';

/** Most severe first; within a severity, by IAM user and rule, so a message reads the same every time. */
export const bySeverity = (a: Finding, b: Finding) =>
  SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
  a.user.localeCompare(b.user) ||
  a.ruleId.localeCompare(b.ruleId);

/**
 * Queues one message for the owner's next working hours listing every finding due for them, and records each finding
 * on its own (dedupe, snooze and escalation stay per finding). A critical finding of theirs (a quarantined key) goes
 * at once, whatever the hour.
 */
export async function queueNudges(
  deps: { directory: SlackDirectoryPort; outbox: OutboxWriter; scans: ScanStore },
  findings: readonly Finding[],
  slackUserId: string,
  at: number,
): Promise<void> {
  if (findings.length === 0) return;
  const person = await deps.directory.person(slackUserId).catch(() => undefined);
  await deps.outbox.enqueue(
    { channel: slackUserId, notice: { kind: 'nudges', findings: [...findings].sort(bySeverity) } },
    at,
    findings.some((f) => f.severity === 'critical') ? undefined : nextWorkingTime(at, person?.tz),
  );
  for (const finding of findings)
    await deps.scans.recordNudge(
      {
        subject: finding.subject,
        ruleId: finding.ruleId,
        severity: finding.severity,
        iamUserArn: finding.arn,
        slackUserId,
      },
      at,
    );
}
