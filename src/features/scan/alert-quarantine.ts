import type { Finding } from '../../kernel/domain/findings.js';
import type { OutboxWriter } from '../../kernel/outbox/ports.js';
import type { Logger } from '../../logger.js';
import type { QuarantineEvidencePort } from './ports.js';

/** Events of the quarantined user's keys shown to security: enough to see where a key went, within one message. */
const ACTIVITY_SHOWN = 5;

/**
 * AWS quarantined a user's key: the security channel is told at once (never held for working hours), with the owner
 * and the latest CloudTrail activity of the user's keys. Without CloudTrail the alert still goes, saying so. The
 * owner's DM is the usual nudge, queued by the caller with the same finding (one dedupe for both).
 */
export async function alertQuarantine(
  deps: {
    readonly outbox: OutboxWriter;
    readonly logger: Logger;
    readonly evidence?: QuarantineEvidencePort;
    readonly securityChannel: string | undefined;
  },
  finding: Finding,
  slackUserId: string,
  at: number,
): Promise<void> {
  if (!deps.securityChannel) return;
  const accountId = finding.arn.split(':')[4] ?? '';
  const activity = deps.evidence
    ? await deps.evidence
        .recentActivity({ userName: finding.user, accountId }, ACTIVITY_SHOWN)
        .catch((error: unknown) => {
          deps.logger.warn(
            { err: error, iamUser: finding.user, accountId },
            'quarantined key: its CloudTrail activity could not be read',
          );
          return undefined;
        })
    : undefined;
  await deps.outbox.enqueue(
    {
      channel: deps.securityChannel,
      notice: {
        kind: 'key_quarantined_alert',
        finding,
        slackUserId,
        ...(activity ? { activity } : {}),
      },
    },
    at,
  );
}
