import { type KeyRetirement, RETIREMENT_TRANSITIONS } from '../../features/key-retirement/domain.js';
import type { RetirementStore } from '../../features/key-retirement/ports.js';
import type { Db } from './db.js';
import { createWorkflowTable } from './workflow-table.js';

export function createRetirementStore(db: Db, deps: { now(): number; wake(): void }): RetirementStore {
  return createWorkflowTable<KeyRetirement>(
    db,
    {
      table: 'key_retirements',
      auditPrefix: 'key:',
      transitions: RETIREMENT_TRANSITIONS,
      columns: {
        iamUser: 'iam_user',
        iamUserArn: 'iam_user_arn',
        accountId: 'account_id',
        ownerSlackId: 'owner_slack_id',
        actor: 'actor',
        source: 'source',
        deactivatedAt: 'deactivated_at',
        deleteAfter: 'delete_after',
        deletedAt: 'deleted_at',
        reactivatedAt: 'reactivated_at',
        reactivatedUntil: 'reactivated_until',
        leaseUntil: 'lease_until',
        leaseHolder: 'lease_holder',
      },
    },
    deps,
  );
}
