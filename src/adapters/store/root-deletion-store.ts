import { ROOT_DELETION_TRANSITIONS, type RootDeletion } from '../../features/root-credentials/domain.js';
import type { RootDeletionStore } from '../../features/root-credentials/ports.js';
import type { Db } from './db.js';
import { APPROVAL_COLUMNS, createApprovalTable } from './workflow-table.js';

export function createRootDeletionStore(db: Db, deps: { now(): number; wake(): void }): RootDeletionStore {
  return createApprovalTable<RootDeletion>(
    db,
    {
      table: 'root_deletions',
      auditPrefix: 'root-deletion:',
      transitions: ROOT_DELETION_TRANSITIONS,
      booleans: ['privileged', 'messageSynced'],
      approvals: {
        table: 'root_deletion_approvals',
        key: 'deletion_id',
        auditDetail: "approved deleting the member account's root credentials",
      },
      columns: { ...APPROVAL_COLUMNS, removed: 'removed', deletedAt: 'deleted_at' },
    },
    deps,
  );
}
