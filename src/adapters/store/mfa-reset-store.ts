import { MFA_RESET_TRANSITIONS, type MfaReset } from '../../features/mfa-reset/domain.js';
import type { MfaResetStore } from '../../features/mfa-reset/ports.js';
import type { Db } from './db.js';
import { createApprovalTable } from './workflow-table.js';

export function createMfaResetStore(db: Db, deps: { now(): number; wake(): void }): MfaResetStore {
  return createApprovalTable<MfaReset>(
    db,
    {
      table: 'mfa_resets',
      auditPrefix: 'mfa-reset:',
      transitions: MFA_RESET_TRANSITIONS,
      booleans: ['privileged', 'messageSynced'],
      approvals: {
        table: 'mfa_reset_approvals',
        key: 'reset_id',
        auditDetail: 'approved, having verified the person outside Slack',
      },
      columns: {
        requesterSlackId: 'requester_slack_id',
        iamUser: 'iam_user',
        iamUserArn: 'iam_user_arn',
        accountId: 'account_id',
        serialNumber: 'serial_number',
        deviceType: 'device_type',
        deviceEnabledAt: 'device_enabled_at',
        what: 'what',
        note: 'note',
        requiredApprovals: 'required_approvals',
        privileged: 'privileged',
        approvalChannel: 'approval_channel',
        approvalTs: 'approval_ts',
        messageSynced: 'message_synced',
        decidedBy: 'decided_by',
        decidedAt: 'decided_at',
        denyReason: 'deny_reason',
        removedAt: 'removed_at',
        reenrolDue: 'reenrol_due',
        reenrolledAt: 'reenrolled_at',
        failure: 'failure',
        leaseUntil: 'lease_until',
        leaseHolder: 'lease_holder',
        expiresAt: 'expires_at',
      },
    },
    deps,
  );
}
