import { randomUUID } from 'node:crypto';
import {
  canTransition,
  OPEN_STATES,
  type RotationRequest,
  type RotationState,
} from '../../features/rotation/domain.js';
import type { AuditEntry, Notice, Outgoing, RequestPatch, RotationStore } from '../../kernel/ports.js';
import type { Db } from './db.js';

/** Column ↔ field, for the fields a patch may set. */
const COLUMNS: Record<keyof RequestPatch, string> = {
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
};
const BOOLEAN_FIELDS = new Set(['privileged', 'messageSynced', 'orphansChecked']);

type Row = Record<string, unknown>;

function toRequest(row: Row): RotationRequest {
  const out: Record<string, unknown> = {
    id: row.id,
    state: row.state,
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
  for (const [field, column] of Object.entries(COLUMNS)) {
    const v = row[column];
    if (BOOLEAN_FIELDS.has(field)) out[field] = Number(v) === 1;
    else if (v === null || v === undefined) out[field] = undefined;
    else out[field] = typeof v === 'bigint' ? Number(v) : v;
  }
  return out as unknown as RotationRequest;
}

function dbValue(field: string, value: unknown): unknown {
  if (BOOLEAN_FIELDS.has(field)) return value ? 1 : 0;
  return value === undefined ? null : value;
}

function setClause(patch: RequestPatch): { sql: string; params: unknown[] } {
  const entries = Object.entries(patch) as [keyof RequestPatch, unknown][];
  return {
    sql: entries.map(([f]) => `${COLUMNS[f]} = ?`).join(', '),
    params: entries.map(([f, v]) => dbValue(f, v)),
  };
}

/** A unique index refused the insert (on either database). */
export const isUniqueViolation = (error: unknown) => {
  const e = error as { code?: string; message?: string };
  return (
    e.code === '23505' ||
    e.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint failed/.test(e.message ?? '')
  );
};

/** Queues a notice inside the caller's transaction. */
export async function insertOutbox(tx: Db, out: Outgoing, at: number, notBefore = at): Promise<string> {
  const id = randomUUID();
  await tx.run('INSERT INTO outbox (id, channel, message, next_at, created_at) VALUES (?, ?, ?, ?, ?)', [
    id,
    out.channel,
    JSON.stringify(out.notice),
    notBefore,
    at,
  ]);
  return id;
}

/** An audit entry, inside the caller's transaction; `requestId` may name any audited thing (`key:<id>`, a reset). */
export async function writeAudit(
  tx: Db,
  e: Omit<AuditEntry, 'fromState' | 'toState'> & { fromState: string | undefined; toState: string },
) {
  // seq orders a request's entries even when the clock gives two moves the same millisecond.
  await tx.run(
    `INSERT INTO audit_log (id, request_id, seq, actor, from_state, to_state, at, detail)
     VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_log WHERE request_id = ?), ?, ?, ?, ?, ?)`,
    [randomUUID(), e.requestId, e.requestId, e.actor, e.fromState ?? null, e.toState, e.at, e.detail ?? null],
  );
}

export function createRotationStore(db: Db, clock: { now(): Date }): RotationStore {
  const now = () => clock.now().getTime();
  // Told after a transaction that queued notices has committed (the delivery service listens).
  const queuedListeners = new Set<() => void>();
  const announce = () => {
    for (const listener of queuedListeners) listener();
  };

  /** The conditional move, its audit entry and the notices it causes, inside the caller's transaction. */
  async function moveWithin(
    tx: Db,
    id: string,
    from: readonly RotationState[],
    to: RotationState,
    patch: RequestPatch,
    actor: string,
    options: { detail?: string; notify?: readonly Outgoing[] },
  ): Promise<boolean> {
    const at = now();
    const set = setClause(patch);
    const [row] = await tx.all<{ state: RotationState }>('SELECT state FROM rotation_requests WHERE id = ?', [
      id,
    ]);
    if (!row || !from.includes(row.state)) return false;
    const changed = await tx.run(
      // Every move makes the approval message stale until the next successful sync shows it.
      `UPDATE rotation_requests SET state = ?, updated_at = ?, message_synced = 0${set.sql ? `, ${set.sql}` : ''}
       WHERE id = ? AND state IN (${from.map(() => '?').join(', ')})`,
      [to, at, ...set.params, id, ...from],
    );
    if (changed !== 1) return false;
    await writeAudit(tx, {
      requestId: id,
      actor,
      fromState: row.state,
      toState: to,
      at,
      detail: options.detail,
    });
    for (const out of options.notify ?? []) await insertOutbox(tx, out, at);
    return true;
  }

  const approvalsIn = async (tx: Db, id: string) =>
    (
      await tx.all<{ approver_slack_id: string }>(
        'SELECT approver_slack_id FROM rotation_approvals WHERE request_id = ? ORDER BY at, approver_slack_id',
        [id],
      )
    ).map((r) => r.approver_slack_id);

  return {
    async create(r, actor) {
      const fields = Object.keys(COLUMNS) as (keyof RequestPatch)[];
      const columns = ['id', 'state', 'created_at', 'updated_at', ...fields.map((f) => COLUMNS[f])];
      const params = [r.id, r.state, r.createdAt, r.updatedAt, ...fields.map((f) => dbValue(f, r[f]))];
      try {
        await db.transaction(async (tx) => {
          await tx.run(
            `INSERT INTO rotation_requests (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
            params,
          );
          await writeAudit(tx, {
            requestId: r.id,
            actor,
            fromState: undefined,
            toState: r.state,
            at: r.createdAt,
            detail: undefined,
          });
        });
        return 'created';
      } catch (error) {
        if (isUniqueViolation(error)) return 'duplicate';
        throw error;
      }
    },

    async get(id) {
      const [row] = await db.all<Row>('SELECT * FROM rotation_requests WHERE id = ?', [id]);
      return row ? toRequest(row) : undefined;
    },

    async transition(id, from, to, patch, actor, options = {}) {
      // The domain's table of allowed moves is checked here, where every move happens: a caller asking for one the
      // table forbids is a bug, refused before anything changes.
      const forbidden = from.filter((f) => !canTransition(f, to));
      if (forbidden.length)
        throw new Error(`rotation: ${forbidden.join('/')} → ${to} is not an allowed transition`);
      const moved = await db.transaction((tx) => moveWithin(tx, id, from, to, patch, actor, options));
      if (moved && options.notify?.length) announce();
      return moved;
    },

    async update(id, patch) {
      const set = setClause(patch);
      if (!set.sql) return;
      await db.run(`UPDATE rotation_requests SET ${set.sql}, updated_at = ? WHERE id = ?`, [
        ...set.params,
        now(),
        id,
      ]);
    },

    approve: (id, approver, at, decide) =>
      // The approval and the move it completes are one transaction: a crash between them cannot strand a request
      // whose approvals are all recorded.
      db
        .transaction(async (tx) => {
          // Approvers one at a time per request (SQLite's write lock does this anyway): two at once must not each
          // count only themselves and leave a request with all its approvals unmoved.
          if (tx.dialect === 'postgres')
            await tx.all('SELECT id FROM rotation_requests WHERE id = ? FOR UPDATE', [id]);
          await tx.run(
            'INSERT INTO rotation_approvals (request_id, approver_slack_id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
            [id, approver, at],
          );
          const approvals = await approvalsIn(tx, id);
          const move = decide?.(approvals);
          const moved = move
            ? await moveWithin(tx, id, ['requested'], 'approved', move.patch, approver, {
                notify: move.notify,
              })
            : false;
          return { approvals, approved: moved, notified: moved && (move?.notify.length ?? 0) > 0 };
        })
        .then(({ notified, ...result }) => {
          if (notified) announce();
          return result;
        }),

    approvals: (id) => approvalsIn(db, id),

    async lease(id, state, at, until, holder) {
      // Free, run out, or held by an earlier boot of this same instance (it crashed and restarted): taken at once.
      const instance = holder.slice(0, holder.lastIndexOf('#') + 1);
      const changed = await db.run(
        `UPDATE rotation_requests SET lease_until = ?, lease_holder = ?
         WHERE id = ? AND state = ?
           AND (lease_until IS NULL OR lease_until < ? OR (lease_holder LIKE ? ESCAPE '\\' AND lease_holder <> ?))`,
        [until, holder, id, state, at, `${instance.replace(/[%_\\]/g, '\\$&')}%`, holder],
      );
      return changed === 1;
    },

    async inStates(states) {
      const rows = await db.all<Row>(
        `SELECT * FROM rotation_requests WHERE state IN (${states.map(() => '?').join(', ')}) ORDER BY created_at`,
        [...states],
      );
      return rows.map(toRequest);
    },

    async openRequestForKey(accessKeyId) {
      const [row] = await db.all<Row>(
        `SELECT * FROM rotation_requests WHERE old_key_id = ? AND state IN (${OPEN_STATES.map(() => '?').join(', ')})`,
        [accessKeyId, ...OPEN_STATES],
      );
      return row ? toRequest(row) : undefined;
    },

    async unsynced() {
      const rows = await db.all<Row>(
        'SELECT * FROM rotation_requests WHERE message_synced = 0 ORDER BY updated_at',
      );
      return rows.map(toRequest);
    },

    async audit(id) {
      const rows = await db.all<Row>('SELECT * FROM audit_log WHERE request_id = ? ORDER BY seq', [id]);
      return rows.map((r) => ({
        requestId: String(r.request_id),
        actor: String(r.actor),
        fromState: (r.from_state ?? undefined) as RotationState | undefined,
        toState: r.to_state as RotationState,
        at: Number(r.at),
        detail: (r.detail ?? undefined) as string | undefined,
      }));
    },

    async enqueue(outgoing, at, notBefore) {
      const id = await insertOutbox(db, outgoing, at, notBefore);
      announce();
      return id;
    },

    onQueued(listener) {
      queuedListeners.add(listener);
    },

    async claimDue(at, limit, claimMs) {
      // Claimed, not just read: two flushes at once (a click, the job, another replica) never send one row twice.
      // The claim runs out if its holder dies before marking the row sent or failed.
      // On PostgreSQL, rows another claimer is taking are skipped rather than waited for and then lost.
      const skipLocked = db.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
      const rows = await db.all<Row>(
        `UPDATE outbox SET claimed_until = ?
         WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND next_at <= ?
                        AND (claimed_until IS NULL OR claimed_until <= ?) ORDER BY created_at LIMIT ?${skipLocked})
           AND sent_at IS NULL AND (claimed_until IS NULL OR claimed_until <= ?)
         RETURNING *`,
        [at + claimMs, at, at, limit, at],
      );
      return rows
        .sort((a, b) => Number(a.created_at) - Number(b.created_at))
        .map((r) => ({
          id: String(r.id),
          channel: String(r.channel),
          notice: JSON.parse(String(r.message)) as Notice,
          attempts: Number(r.attempts),
        }));
    },

    async peekDue(at, limit) {
      const rows = await db.all<Row>(
        `SELECT * FROM outbox WHERE sent_at IS NULL AND next_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)
         ORDER BY created_at LIMIT ?`,
        [at, at, limit],
      );
      return rows.map((r) => ({
        id: String(r.id),
        channel: String(r.channel),
        notice: JSON.parse(String(r.message)) as Notice,
        attempts: Number(r.attempts),
      }));
    },

    async markSent(id, at) {
      await db.run('UPDATE outbox SET sent_at = ?, claimed_until = NULL WHERE id = ?', [at, id]);
    },

    async markFailed(id, error, nextAt) {
      await db.run(
        'UPDATE outbox SET attempts = attempts + 1, last_error = ?, next_at = ?, claimed_until = NULL WHERE id = ?',
        [error.slice(0, 500), nextAt, id],
      );
    },

    async ping() {
      await db.all('SELECT 1 AS ok');
    },
  };
}
