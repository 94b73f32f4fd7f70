import type { IamPort, KeyTrailPort } from '../../kernel/aws-ports.js';
import { DAY_MS } from '../../kernel/domain/time.js';
import type { Clock } from '../../kernel/domain/types.js';
import type { QuarantineEvidencePort } from './ports.js';

/** How far back the alert looks for calls made with the quarantined user's keys. */
export const EVIDENCE_DAYS = 7;

/** The user's active keys (one listing), then CloudTrail by each key: the newest calls of all of them. */
export function createQuarantineEvidence(deps: {
  readonly iam: Pick<IamPort, 'listAccessKeys'>;
  readonly keyTrail: KeyTrailPort;
  readonly clock: Clock;
}): QuarantineEvidencePort {
  return {
    async recentActivity(user, limit) {
      const since = new Date(deps.clock.now().getTime() - EVIDENCE_DAYS * DAY_MS);
      const keys = (await deps.iam.listAccessKeys(user.userName, user.accountId)).filter(
        (k) => k.status === 'Active',
      );
      const events = (
        await Promise.all(
          keys.map((k) => deps.keyTrail.recentUseOfKey(k.accessKeyId, since, limit, user.accountId)),
        )
      ).flat();
      return events
        .sort((a, b) => b.eventTime.getTime() - a.eventTime.getTime())
        .slice(0, limit)
        .map((e) => ({ ...e, eventTime: e.eventTime.toISOString() }));
    },
  };
}
