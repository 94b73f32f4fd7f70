import type { Logger } from '../../logger.js';
import type { MessageRow } from '../domain/workflow.js';
import type { ApprovalTable } from './table.js';

/** Where a workflow's approval message is posted (first) and updated (after): resolves with its ts. */
export interface MessageBoard<R extends MessageRow> {
  publish(row: R, approvedBy: readonly string[]): Promise<string>;
}

/**
 * Brings a row's approval message in line with the row as given (posts it first, updates it after each decision).
 * A failure leaves the row unsynced and the jobs try again: the message is never silently stale. `approvals`, when
 * the caller has just read them, saves reading them again.
 */
export async function syncApprovalMessage<R extends MessageRow>(
  deps: {
    readonly table: Pick<ApprovalTable<R>, 'approvals' | 'recordMessage' | 'markStale'>;
    readonly board: MessageBoard<R>;
    readonly logger: Logger;
  },
  row: R,
  approvals?: readonly string[],
): Promise<boolean> {
  try {
    const ts = await deps.board.publish(row, approvals ?? (await deps.table.approvals(row.id)));
    // Synced only if nothing moved while it was published; otherwise the next pass shows the newer state.
    await deps.table.recordMessage(row, ts);
    return true;
  } catch (error) {
    deps.logger.error(
      { err: error, id: row.id },
      'could not post or update the approval message; will retry',
    );
    await deps.table.markStale(row.id);
    return false;
  }
}

/** Every row whose message is behind, brought in line: how many were. */
export async function syncStaleMessages<R extends MessageRow>(
  deps: Parameters<typeof syncApprovalMessage<R>>[0] & { readonly table: Pick<ApprovalTable<R>, 'unsynced'> },
): Promise<number> {
  let synced = 0;
  for (const row of await deps.table.unsynced()) if (await syncApprovalMessage(deps, row)) synced++;
  return synced;
}
