import type { Patch, WorkflowRow, WorkflowTable } from '../../kernel/workflow/table.js';
import type { Db } from './db.js';
import { insertOutbox, isUniqueViolation, writeAudit } from './rotation-store.js';

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

/**
 * One table of a workflow with the guarantees rotations have: every move is a conditional update from expected states,
 * written with its audit entry and its notices in one transaction; work on AWS is done under a lease.
 */
export function createWorkflowTable<R extends WorkflowRow>(
  db: Db,
  spec: TableSpec<R>,
  deps: { now(): number; announce(): void },
): WorkflowTable<R> {
  const booleans = new Set<string>(spec.booleans ?? []);
  const entries = Object.entries(spec.columns) as [string, string][];

  const toRow = (row: Record<string, unknown>): R => {
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
  const audit = (tx: Db, id: string, actor: string, from: string | undefined, to: string, detail?: string) =>
    writeAudit(tx, {
      requestId: `${spec.auditPrefix}${id}`,
      actor,
      fromState: from,
      toState: to,
      at: deps.now(),
      detail,
    });
  const select = async (condition: string, params: readonly unknown[]) =>
    (
      await db.all<Record<string, unknown>>(
        `SELECT * FROM ${spec.table} WHERE ${condition} ORDER BY created_at`,
        [...params],
      )
    ).map(toRow);

  return {
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
          await audit(tx, row.id, actor, undefined, row.state);
          for (const out of notify) await insertOutbox(tx, out, row.createdAt);
        });
      } catch (error) {
        if (isUniqueViolation(error)) return 'duplicate';
        throw error;
      }
      if (notify.length) deps.announce();
      return 'created';
    },

    async get(id) {
      return (await select('id = ?', [id]))[0];
    },

    async transition(id, from, to, patch, actor, options = {}) {
      const forbidden = from.filter((f) => !spec.transitions[f]?.includes(to));
      if (forbidden.length)
        throw new Error(`${spec.table}: ${forbidden.join('/')} → ${to} is not an allowed transition`);
      const set = setClause(patch);
      const moved = await db.transaction(async (tx) => {
        const [row] = await tx.all<{ state: string }>(`SELECT state FROM ${spec.table} WHERE id = ?`, [id]);
        if (!row || !from.includes(row.state)) return false;
        const at = deps.now();
        const changed = await tx.run(
          `UPDATE ${spec.table} SET state = ?, updated_at = ?${set.sql ? `, ${set.sql}` : ''}
           WHERE id = ? AND state IN (${from.map(() => '?').join(', ')})`,
          [to, at, ...set.params, id, ...from],
        );
        if (changed !== 1) return false;
        await audit(tx, id, actor, row.state, to, options.detail);
        for (const out of options.notify ?? []) await insertOutbox(tx, out, at);
        return true;
      });
      if (moved && options.notify?.length) deps.announce();
      return moved;
    },

    async update(id, patch) {
      const set = setClause(patch);
      if (!set.sql) return;
      await db.run(`UPDATE ${spec.table} SET ${set.sql}, updated_at = ? WHERE id = ?`, [
        ...set.params,
        deps.now(),
        id,
      ]);
    },

    async lease(id, state, at, until, holder) {
      const instance = holder.slice(0, holder.lastIndexOf('#') + 1);
      const changed = await db.run(
        `UPDATE ${spec.table} SET lease_until = ?, lease_holder = ?
         WHERE id = ? AND state = ?
           AND (lease_until IS NULL OR lease_until < ? OR (lease_holder LIKE ? ESCAPE '\\' AND lease_holder <> ?))`,
        [until, holder, id, state, at, `${instance.replace(/[%_\\]/g, '\\$&')}%`, holder],
      );
      return changed === 1;
    },

    inStates: (states) => select(`state IN (${states.map(() => '?').join(', ')})`, states),
    where: select,
  };
}
