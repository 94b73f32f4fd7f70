import { randomUUID } from 'node:crypto';
import type { Outgoing } from '../../kernel/outbox/ports.js';
import type {
  ApprovalTable,
  AuditEntry,
  MessageRow,
  Patch,
  TableMove,
  WorkflowRow,
  WorkflowTable,
} from '../../kernel/workflow/table.js';
import type { Db } from './db.js';

/** A unique index refused the insert (on either database). */
export const isUniqueViolation = (error: unknown) => {
  const e = error as { code?: string; message?: string };
  return (
    e.code === '23505' ||
    e.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    /UNIQUE constraint failed/.test(e.message ?? '')
  );
};

/** A notice into the outbox, inside the caller's transaction: it is sent only if that transaction commits. */
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
export async function writeAudit(tx: Db, e: AuditEntry): Promise<void> {
  // seq orders a request's entries even when the clock gives two moves the same millisecond.
  await tx.run(
    `INSERT INTO audit_log (id, request_id, seq, actor, from_state, to_state, at, detail)
     VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_log WHERE request_id = ?), ?, ?, ?, ?, ?)`,
    [randomUUID(), e.requestId, e.requestId, e.actor, e.fromState ?? null, e.toState, e.at, e.detail ?? null],
  );
}

export async function readAudit(db: Db, requestId: string): Promise<AuditEntry[]> {
  const rows = await db.all<Record<string, unknown>>(
    'SELECT * FROM audit_log WHERE request_id = ? ORDER BY seq',
    [requestId],
  );
  return rows.map((r) => ({
    requestId: String(r.request_id),
    actor: String(r.actor),
    fromState: (r.from_state ?? undefined) as string | undefined,
    toState: String(r.to_state),
    at: Number(r.at),
    detail: (r.detail ?? undefined) as string | undefined,
  }));
}

export interface TableSpec<R extends WorkflowRow> {
  readonly table: string;
  /** Field → column, for every field but id, state, createdAt and updatedAt. */
  readonly columns: Readonly<Record<keyof Patch<R>, string>>;
  readonly booleans?: readonly string[];
  /** The workflow's allowed moves: a move the table forbids is a bug, refused before anything changes. */
  readonly transitions: Readonly<Record<string, readonly string[]>>;
  /** Prefix of the audit entries' request ID, so every workflow shares one audit log (`key:`, `mfa-reset:`). */
  readonly auditPrefix: string;
}

export interface ApprovalSpec {
  /** The table of approvals: (<key>, approver_slack_id, at). */
  readonly table: string;
  readonly key: string;
  /** Each approval gets an audit entry with this detail (the move it completes has its own). */
  readonly auditDetail?: string;
}

type Row = Record<string, unknown>;

/** The columns of every approved workflow's row (the kernel's ApprovalRow), named alike in each of their tables. */
export const APPROVAL_COLUMNS = {
  requesterSlackId: 'requester_slack_id',
  iamUser: 'iam_user',
  iamUserArn: 'iam_user_arn',
  accountId: 'account_id',
  requiredApprovals: 'required_approvals',
  privileged: 'privileged',
  approvalChannel: 'approval_channel',
  approvalTs: 'approval_ts',
  messageSynced: 'message_synced',
  decidedBy: 'decided_by',
  decidedAt: 'decided_at',
  denyReason: 'deny_reason',
  failure: 'failure',
  leaseUntil: 'lease_until',
  leaseHolder: 'lease_holder',
  expiresAt: 'expires_at',
} as const;

/** The table as the store's own extras (a workflow's queries, approvals) use it. */
export interface StoredTable<R extends WorkflowRow> extends WorkflowTable<R> {
  readonly toRow: (row: Row) => R;
  /** Rows matching a condition on columns, oldest first: for the store's own queries, never a caller's SQL. */
  readonly select: (condition: string, params: readonly unknown[]) => Promise<R[]>;
  /** The conditional move inside a transaction already open. */
  readonly moveWithin: (
    tx: Db,
    id: string,
    from: readonly string[],
    to: string,
    patch: Patch<R>,
    actor: string,
    options: { detail?: string; notify?: readonly Outgoing[] },
  ) => Promise<R | undefined>;
}

/** A workflow table on either database (see WorkflowTable). */
export function createWorkflowTable<R extends WorkflowRow>(
  db: Db,
  spec: TableSpec<R>,
  deps: { now(): number; wake(): void },
): StoredTable<R> {
  const booleans = new Set<string>(spec.booleans ?? []);
  const entries = Object.entries(spec.columns) as [string, string][];
  // A row with an approval message: every move makes that message stale until the next sync shows it.
  const staleOnMove = 'messageSynced' in spec.columns;

  const toRow = (row: Row): R => {
    const out: Record<string, unknown> = {
      id: String(row.id),
      state: String(row.state),
      createdAt: Number(row.created_at),
      updatedAt: Number(row.updated_at),
    };
    for (const [field, column] of entries) {
      const v = row[column];
      if (booleans.has(field)) out[field] = Number(v) === 1;
      else if (v === null || v === undefined) out[field] = undefined;
      else out[field] = typeof v === 'bigint' ? Number(v) : v;
    }
    return out as R;
  };
  const dbValue = (field: string, v: unknown) =>
    booleans.has(field) ? (v ? 1 : 0) : v === undefined ? null : v;
  const setClause = (patch: Patch<R>) => {
    const set = Object.entries(patch) as [string, unknown][];
    for (const [f] of set) if (!(f in spec.columns)) throw new Error(`${spec.table}: no column for ${f}`);
    return {
      sql: set.map(([f]) => `${(spec.columns as Record<string, string>)[f]} = ?`).join(', '),
      params: set.map(([f, v]) => dbValue(f, v)),
    };
  };
  const auditId = (id: string) => `${spec.auditPrefix}${id}`;
  const select = async (condition: string, params: readonly unknown[]) =>
    (
      await db.all<Row>(`SELECT * FROM ${spec.table} WHERE ${condition} ORDER BY created_at`, [...params])
    ).map(toRow);

  /** The conditional move, its audit entry and its notices, inside the caller's transaction. */
  async function moveWithin(
    tx: Db,
    id: string,
    from: readonly string[],
    to: string,
    patch: Patch<R>,
    actor: string,
    options: { detail?: string; notify?: readonly Outgoing[] },
  ): Promise<R | undefined> {
    const forbidden = from.filter((f) => !spec.transitions[f]?.includes(to));
    if (forbidden.length)
      throw new Error(`${spec.table}: ${forbidden.join('/')} → ${to} is not an allowed transition`);
    const set = setClause(patch);
    // Which of `from` it was is needed for the audit only when there are several to choose from.
    let was = from.length === 1 ? from[0] : undefined;
    if (was === undefined) {
      const [row] = await tx.all<{ state: string }>(`SELECT state FROM ${spec.table} WHERE id = ?`, [id]);
      if (!row || !from.includes(row.state)) return undefined;
      was = row.state;
    }
    const at = deps.now();
    const [written] = await tx.all<Row>(
      `UPDATE ${spec.table} SET state = ?, updated_at = ?${staleOnMove ? ', message_synced = 0' : ''}${set.sql ? `, ${set.sql}` : ''}
       WHERE id = ? AND state IN (${from.map(() => '?').join(', ')})
       RETURNING *`,
      [to, at, ...set.params, id, ...from],
    );
    if (!written) return undefined;
    await writeAudit(tx, {
      requestId: auditId(id),
      actor,
      fromState: was,
      toState: to,
      at,
      detail: options.detail,
    });
    for (const out of options.notify ?? []) await insertOutbox(tx, out, at);
    return toRow(written);
  }

  return {
    toRow,
    select,
    moveWithin,
    async insert(row, actor, notify = []) {
      const fields = entries.map(([f]) => f);
      const columns = ['id', 'state', 'created_at', 'updated_at', ...entries.map(([, c]) => c)];
      const params = [
        row.id,
        row.state,
        row.createdAt,
        row.updatedAt,
        ...fields.map((f) => dbValue(f, (row as unknown as Record<string, unknown>)[f])),
      ];
      try {
        await db.transaction(async (tx) => {
          await tx.run(
            `INSERT INTO ${spec.table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
            params,
          );
          await writeAudit(tx, {
            requestId: auditId(row.id),
            actor,
            fromState: undefined,
            toState: row.state,
            at: row.createdAt,
            detail: undefined,
          });
          for (const out of notify) await insertOutbox(tx, out, row.createdAt);
        });
      } catch (error) {
        if (isUniqueViolation(error)) return 'duplicate';
        throw error;
      }
      if (notify.length) deps.wake();
      return 'created';
    },

    async get(id) {
      return (await select('id = ?', [id]))[0];
    },

    async transition(id, from, to, patch, actor, options = {}) {
      const moved = await db.transaction((tx) => moveWithin(tx, id, from, to, patch, actor, options));
      if (moved && options.notify?.length) deps.wake();
      return moved;
    },

    async update(id, patch, options = {}) {
      const set = setClause(patch);
      const notify = options.notify ?? [];
      if (!set.sql && notify.length === 0) return;
      await db.transaction(async (tx) => {
        const at = deps.now();
        if (set.sql)
          await tx.run(`UPDATE ${spec.table} SET ${set.sql}, updated_at = ? WHERE id = ?`, [
            ...set.params,
            at,
            id,
          ]);
        for (const out of notify) await insertOutbox(tx, out, at);
      });
      if (notify.length) deps.wake();
    },

    async lease(id, state, at, until, holder) {
      // Free, run out, or held by an earlier boot of this same instance (it crashed and restarted): taken at once.
      const instance = holder.slice(0, holder.lastIndexOf('#') + 1);
      const [row] = await db.all<Row>(
        `UPDATE ${spec.table} SET lease_until = ?, lease_holder = ?
         WHERE id = ? AND state = ?
           AND (lease_until IS NULL OR lease_until < ? OR (lease_holder LIKE ? ESCAPE '\\' AND lease_holder <> ?))
         RETURNING *`,
        [until, holder, id, state, at, `${instance.replace(/[%_\\]/g, '\\$&')}%`, holder],
      );
      return row ? toRow(row) : undefined;
    },

    async release(holder) {
      await db.run(
        `UPDATE ${spec.table} SET lease_until = NULL, lease_holder = NULL WHERE lease_holder = ?`,
        [holder],
      );
    },

    inStates: (states) => select(`state IN (${states.map(() => '?').join(', ')})`, states),

    audit: (id) => readAudit(db, auditId(id)),
  };
}

/** A workflow table whose rows approvers decide, with an approval message (rotations, MFA resets). */
export function createApprovalTable<R extends MessageRow>(
  db: Db,
  spec: TableSpec<R> & { readonly approvals: ApprovalSpec },
  deps: { now(): number; wake(): void },
): ApprovalTable<R> & StoredTable<R> {
  const base = createWorkflowTable<R>(db, spec, deps);
  const a = spec.approvals;
  const approvalsIn = async (tx: Db, id: string) =>
    (
      await tx.all<{ approver_slack_id: string }>(
        `SELECT approver_slack_id FROM ${a.table} WHERE ${a.key} = ? ORDER BY at, approver_slack_id`,
        [id],
      )
    ).map((r) => r.approver_slack_id);
  const auditId = (id: string) => `${spec.auditPrefix}${id}`;

  return {
    ...base,
    approvals: (id) => approvalsIn(db, id),
    async approve(id, approver, at, decide, options = {}) {
      // The approval and the move it completes are one transaction: a crash between them cannot strand a row whose
      // approvals are all recorded.
      const result = await db.transaction(async (tx) => {
        // Approvers one at a time per row (SQLite's write lock does this anyway): two at once must not each count only
        // themselves and leave a row with all its approvals unmoved.
        const lock = tx.dialect === 'postgres' ? ' FOR UPDATE' : '';
        const [locked] = await tx.all<Record<string, unknown>>(
          `SELECT * FROM ${spec.table} WHERE id = ?${lock}`,
          [id],
        );
        const row = locked ? base.toRow(locked) : undefined;
        if (row?.state !== 'requested')
          return { approvals: await approvalsIn(tx, id), row, moved: false, notified: false };
        await tx.run(
          `INSERT INTO ${a.table} (${a.key}, approver_slack_id, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
          [id, approver, at],
        );
        if (a.auditDetail)
          await writeAudit(tx, {
            requestId: auditId(id),
            actor: approver,
            fromState: 'requested',
            toState: 'requested',
            at,
            detail: a.auditDetail,
          });
        const approvals = await approvalsIn(tx, id);
        const move: TableMove<R> | undefined = decide(approvals, row);
        if (!move) return { approvals, row, moved: false, notified: false };
        const moved = await base.moveWithin(tx, id, move.from, move.to, move.patch, approver, {
          ...((move.detail ?? options.detail) ? { detail: move.detail ?? options.detail } : {}),
          notify: move.notify,
        });
        return {
          approvals,
          row: moved ?? row,
          moved: moved !== undefined,
          notified: !!moved && move.notify.length > 0,
        };
      });
      if (result.notified) deps.wake();
      return { approvals: result.approvals, row: result.row, moved: result.moved };
    },
    unsynced: () => base.select('message_synced = 0', []),
    async markStale(id) {
      await db.run(`UPDATE ${spec.table} SET message_synced = 0 WHERE id = ?`, [id]);
    },
    async recordMessage(row, ts) {
      await db.run(
        `UPDATE ${spec.table} SET approval_ts = ?, message_synced = CASE WHEN updated_at = ? THEN 1 ELSE 0 END
         WHERE id = ?`,
        [ts, row.updatedAt, row.id],
      );
    },
  };
}
