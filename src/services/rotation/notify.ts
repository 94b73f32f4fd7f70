import type { RotationRequest, RotationState } from '../../domain/rotation.js';
import type { Notice, Outgoing } from '../ports.js';

/**
 * The requester, told of a decision; approvers who took part, told it was recorded. Each notice carries the state its
 * transition moved to, so it says what happened then ("approved"), not what the request became by the time it is sent.
 */
export function decisionNotices(
  request: RotationRequest,
  approvers: readonly string[],
  state: RotationState,
): Outgoing[] {
  const requestId = request.id;
  return [
    { channel: request.requesterSlackId, notice: { kind: 'request_decided', requestId, state } },
    ...approvers.map((a) => ({
      channel: a,
      notice: { kind: 'decision_recorded', requestId, state } as Notice,
    })),
  ];
}

export const toOwner = (request: RotationRequest, notice: Notice): Outgoing => ({
  channel: request.requesterSlackId,
  notice,
});
