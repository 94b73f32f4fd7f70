import type { Notice, Outgoing } from '../../kernel/ports.js';
import {
  decide,
  type RotationEvent,
  type RotationMove,
  type RotationRequest,
  SECURITY_CHANNEL,
} from './domain.js';
import type { RotationDeps } from './ports.js';

export const toOwner = (request: RotationRequest, notice: Notice): Outgoing => ({
  channel: request.requesterSlackId,
  notice,
});

/** A move's notices as outbox entries: the security channel's only when one is configured. */
export function outgoing(move: RotationMove, securityChannel: string | undefined): Outgoing[] {
  return move.notices.flatMap(({ to, notice }) => {
    const channel = to === SECURITY_CHANNEL ? securityChannel : to;
    return channel ? [{ channel, notice }] : [];
  });
}

/**
 * Applies what the domain decides for `event`: one atomic, conditional move with its audit entry and its notices.
 * Resolves `false` when the request was no longer in a state the move starts from (someone else moved it first).
 */
export async function apply(
  deps: RotationDeps,
  request: RotationRequest,
  event: RotationEvent,
  actor: string,
  also: readonly Outgoing[] = [],
): Promise<boolean> {
  const move = decide(request, event, deps.config);
  return deps.store.transition(request.id, move.from, move.to, move.patch, actor, {
    ...(move.detail ? { detail: move.detail } : {}),
    notify: [...outgoing(move, deps.config.securityChannel), ...also],
  });
}
