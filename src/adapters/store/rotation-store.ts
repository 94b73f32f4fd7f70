import { OPEN_STATES, type RotationRequest, TRANSITIONS } from '../../features/rotation/domain.js';
import type { RotationStore } from '../../features/rotation/ports.js';
import type { Db } from './db.js';
import { APPROVAL_COLUMNS, createApprovalTable } from './workflow-table.js';

/** Key rotations: the kernel's approval table over rotation_requests, and the one query only rotations need. */
export function createRotationStore(db: Db, deps: { now(): number; wake(): void }): RotationStore {
  const table = createApprovalTable<RotationRequest>(
    db,
    {
      table: 'rotation_requests',
      // Rotations came first: their audit entries are keyed by the bare request ID.
      auditPrefix: '',
      transitions: TRANSITIONS,
      booleans: ['privileged', 'messageSynced', 'orphansChecked'],
      approvals: { table: 'rotation_approvals', key: 'request_id' },
      columns: {
        ...APPROVAL_COLUMNS,
        oldKeyId: 'old_key_id',
        oldKeyCreatedAt: 'old_key_created_at',
        oldKeyLastUsedAt: 'old_key_last_used_at',
        oldKeyLastService: 'old_key_last_service',
        reason: 'reason',
        newKeyId: 'new_key_id',
        newKeyCreatedAt: 'new_key_created_at',
        secretArn: 'secret_arn',
        secretName: 'secret_name',
        deliveredAt: 'delivered_at',
        deactivateAfter: 'deactivate_after',
        deactivatedAt: 'deactivated_at',
        deleteAfter: 'delete_after',
        deletedAt: 'deleted_at',
        postponedAt: 'postponed_at',
        lastUseSeenAt: 'last_use_seen_at',
        attemptStartedAt: 'attempt_started_at',
        keysBefore: 'keys_before',
        orphansChecked: 'orphans_checked',
      },
    },
    deps,
  );
  return {
    ...table,
    async openRequestForKey(accessKeyId) {
      const states = OPEN_STATES.map(() => '?').join(', ');
      return (
        await table.select(`old_key_id = ? AND state IN (${states})`, [accessKeyId, ...OPEN_STATES])
      )[0];
    },
  };
}
