import { MFA_RESET_TRANSITIONS, type MfaReset } from '../../features/mfa-reset/domain.js';
import type { MfaResetStorePort } from '../../features/mfa-reset/mfa-reset.js';
import type { Db } from './db.js';
import { insertOutbox, writeAudit } from './rotation-store.js';
import { createWorkflowTable } from './workflow-table.js';

export type MfaResetStore = MfaResetStorePort;

export function createMfaResetStore(db: Db, deps: { now(): number; announce(): void }): MfaResetStore {
  const table = createWorkflowTable<MfaReset>(
    db,
    {
      table: 'mfa_resets',
      auditPrefix: 'mfa-reset:',
      transitions: MFA_RESET_TRANSITIONS,
      booleans: ['privileged', 'messageSynced'],
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
  const approvalsIn = async (tx: Db, id: string) =>
    (
      await tx.all<{ approver_slack_id: string }>(
        'SELECT approver_slack_id FROM mfa_reset_approvals WHERE reset_id = ? ORDER BY at, approver_slack_id',
        [id],
      )
    ).map((r) => r.approver_slack_id);

  return {
    ...table,
    approvals: (id) => approvalsIn(db, id),
    async approve(id, approver, at, enough) {
      const result = await db.transaction(async (tx) => {
        // Approvers one at a time per reset: two at once must not each count only themselves.
        if (tx.dialect === 'postgres')
          await tx.all('SELECT id FROM mfa_resets WHERE id = ? FOR UPDATE', [id]);
        const [row] = await tx.all<{ state: string }>('SELECT state FROM mfa_resets WHERE id = ?', [id]);
        if (row?.state !== 'requested')
          return { approvals: await approvalsIn(tx, id), approved: false, notify: [] };
        await tx.run(
          'INSERT INTO mfa_reset_approvals (reset_id, approver_slack_id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
          [id, approver, at],
        );
        await writeAudit(tx, {
          requestId: `mfa-reset:${id}`,
          actor: approver,
          fromState: 'requested',
          toState: 'requested',
          at,
          detail: 'approved, having verified the person outside Slack',
        });
        const approvals = await approvalsIn(tx, id);
        const notify = enough(approvals);
        if (!notify) return { approvals, approved: false, notify: [] };
        const changed = await tx.run(
          `UPDATE mfa_resets SET state = 'approved', decided_by = ?, decided_at = ?, message_synced = 0, updated_at = ?
           WHERE id = ? AND state = 'requested'`,
          [approvals.join(','), at, at, id],
        );
        if (changed !== 1) return { approvals, approved: false, notify: [] };
        await writeAudit(tx, {
          requestId: `mfa-reset:${id}`,
          actor: approver,
          fromState: 'requested',
          toState: 'approved',
          at,
          detail: undefined,
        });
        for (const out of notify) await insertOutbox(tx, out, at);
        return { approvals, approved: true, notify };
      });
      if (result.notify.length) deps.announce();
      return { approvals: result.approvals, approved: result.approved };
    },
  };
}
