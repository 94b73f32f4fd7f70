import type { Notice, OutboxMessage, OutboxStore } from '../../kernel/outbox/ports.js';
import type { Db } from './db.js';
import { insertOutbox } from './workflow-table.js';

type Row = Record<string, unknown>;

const toMessage = (r: Row): OutboxMessage => ({
  id: String(r.id),
  channel: String(r.channel),
  notice: JSON.parse(String(r.message)) as Notice,
  attempts: Number(r.attempts),
});

/** The DM outbox. Rows are written in the transaction of the change that causes them (insertOutbox) or here. */
export function createOutboxStore(db: Db, deps: { wake(): void }): OutboxStore {
  return {
    async enqueue(outgoing, at, notBefore) {
      const id = await insertOutbox(db, outgoing, at, notBefore);
      deps.wake();
      return id;
    },

    async claimDue(at, limit, claimMs, holder) {
      // Claimed, not just read: two flushes at once (a click, the job, another replica) never send one row twice.
      // A claim runs out if its holder dies before marking the row sent or failed; one an earlier boot of this same
      // instance holds is taken over at once (that boot is dead). On PostgreSQL, rows another claimer is taking are
      // skipped rather than waited for.
      const instance = holder.slice(0, holder.lastIndexOf('#') + 1);
      const mine = `${instance.replace(/[%_\\]/g, '\\$&')}%`;
      const free = `(claimed_until IS NULL OR claimed_until <= ? OR (claimed_by LIKE ? ESCAPE '\\' AND claimed_by <> ?))`;
      const skipLocked = db.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
      const rows = await db.all<Row>(
        `UPDATE outbox SET claimed_until = ?, claimed_by = ?
         WHERE id IN (SELECT id FROM outbox WHERE sent_at IS NULL AND next_at <= ? AND ${free}
                      ORDER BY created_at LIMIT ?${skipLocked})
           AND sent_at IS NULL AND ${free}
         RETURNING *`,
        [at + claimMs, holder, at, at, mine, holder, limit, at, mine, holder],
      );
      return rows.sort((a, b) => Number(a.created_at) - Number(b.created_at)).map(toMessage);
    },

    async peekDue(at, limit) {
      const rows = await db.all<Row>(
        `SELECT * FROM outbox WHERE sent_at IS NULL AND next_at <= ? AND (claimed_until IS NULL OR claimed_until <= ?)
         ORDER BY created_at LIMIT ?`,
        [at, at, limit],
      );
      return rows.map(toMessage);
    },

    async markSent(id, at) {
      await db.run('UPDATE outbox SET sent_at = ?, claimed_until = NULL, claimed_by = NULL WHERE id = ?', [
        at,
        id,
      ]);
    },

    async markFailed(id, error, nextAt, options) {
      const tried = options?.attempt === false ? 0 : 1;
      await db.run(
        `UPDATE outbox SET attempts = attempts + ?, last_error = ?, next_at = ?, claimed_until = NULL, claimed_by = NULL
         WHERE id = ?`,
        [tried, error.slice(0, 500), nextAt, id],
      );
    },

    async release(holder) {
      await db.run(
        'UPDATE outbox SET claimed_until = NULL, claimed_by = NULL WHERE claimed_by = ? AND sent_at IS NULL',
        [holder],
      );
    },
  };
}
