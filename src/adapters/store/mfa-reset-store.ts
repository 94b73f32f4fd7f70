import { MFA_RESET_TRANSITIONS, type MfaReset } from '../../features/mfa-reset/domain.js';
import type { MfaResetStore } from '../../features/mfa-reset/ports.js';
import type { Db } from './db.js';
import { APPROVAL_COLUMNS, createApprovalTable } from './workflow-table.js';

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
        ...APPROVAL_COLUMNS,
        serialNumber: 'serial_number',
        deviceType: 'device_type',
        deviceEnabledAt: 'device_enabled_at',
        what: 'what',
        note: 'note',
        removedAt: 'removed_at',
        reenrolDue: 'reenrol_due',
        reenrolledAt: 'reenrolled_at',
      },
    },
    deps,
  );
}
