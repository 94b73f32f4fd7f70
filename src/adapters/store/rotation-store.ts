import { OPEN_STATES, type RotationRequest, TRANSITIONS } from '../../features/rotation/domain.js';
import type { RotationStore } from '../../features/rotation/ports.js';
import type { Db } from './db.js';
import { createApprovalTable } from './workflow-table.js';

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
        requesterSlackId: 'requester_slack_id',
        iamUser: 'iam_user',
        iamUserArn: 'iam_user_arn',
        accountId: 'account_id',
        oldKeyId: 'old_key_id',
        oldKeyCreatedAt: 'old_key_created_at',
        oldKeyLastUsedAt: 'old_key_last_used_at',
        oldKeyLastService: 'old_key_last_service',
        reason: 'reason',
        requiredApprovals: 'required_approvals',
        privileged: 'privileged',
        approvalChannel: 'approval_channel',
        approvalTs: 'approval_ts',
        messageSynced: 'message_synced',
        decidedBy: 'decided_by',
        decidedAt: 'decided_at',
        denyReason: 'deny_reason',
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
        leaseUntil: 'lease_until',
        leaseHolder: 'lease_holder',
        attemptStartedAt: 'attempt_started_at',
        keysBefore: 'keys_before',
        failure: 'failure',
        orphansChecked: 'orphans_checked',
        expiresAt: 'expires_at',
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
