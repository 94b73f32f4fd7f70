import type { RotationDeps } from './ports.js';

/**
 * Brings the approval message in line with the request (posts it first, updates it after each decision). A failure
 * leaves `messageSynced` false, and the rotation job tries again: the message is never silently stale.
 */
export async function syncApprovalMessage(deps: RotationDeps, requestId: string): Promise<boolean> {
  const request = await deps.store.get(requestId);
  if (!request) return false;
  try {
    const ts = await deps.board.publish(request, await deps.store.approvals(requestId));
    const fresh = await deps.store.get(requestId);
    // Only mark synced if nothing moved while we were publishing; otherwise the next pass shows the newer state.
    await deps.store.update(requestId, {
      approvalTs: ts,
      messageSynced: fresh?.updatedAt === request.updatedAt,
    });
    return true;
  } catch (error) {
    deps.logger.error({ err: error, requestId }, 'could not post or update the approval message; will retry');
    await deps.store.update(requestId, { messageSynced: false });
    return false;
  }
}
