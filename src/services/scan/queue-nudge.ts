import type { Finding } from '../../domain/findings.js';
import { nextWorkingTime } from '../../domain/nudge-policy.js';
import type { ScanStore, SlackDirectoryPort } from '../ports.js';
import type { OutboxPort } from './run-scan.js';

/** Queues a nudge for the owner's next working hours and records it, for dedupe and escalation. */
export async function queueNudge(
  deps: { directory: SlackDirectoryPort; outbox: OutboxPort; scans: ScanStore },
  finding: Finding,
  slackUserId: string,
  at: number,
): Promise<void> {
  const person = await deps.directory.person(slackUserId).catch(() => undefined);
  await deps.outbox.enqueue(
    { channel: slackUserId, notice: { kind: 'nudge', finding } },
    at,
    nextWorkingTime(at, person?.tz),
  );
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
