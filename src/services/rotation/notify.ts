import type { RotationRequest } from '../../domain/rotation.js';
import type { Notice, Outgoing } from '../ports.js';

/** The requester, told of a decision; approvers who took part, told it was recorded. */
export function decisionNotices(request: RotationRequest, approvers: readonly string[]): Outgoing[] {
  const requestId = request.id;
  return [
    { channel: request.requesterSlackId, notice: { kind: 'request_decided', requestId } },
    ...approvers.map((a) => ({ channel: a, notice: { kind: 'decision_recorded', requestId } as Notice })),
  ];
}

export const toOwner = (request: RotationRequest, notice: Notice): Outgoing => ({
  channel: request.requesterSlackId,
  notice,
});
