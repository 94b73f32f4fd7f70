import type { RunClaims } from '../../kernel/runs.js';
import type { Db } from './db.js';
import { isUniqueViolation } from './workflow-table.js';

/** Run claims in `run_claims`: one row per name, taken by insert, or by update once run out (or already ours). */
export function createRunClaims(db: Db): RunClaims {
  return {
    async take(name, holder, at, until) {
      const taken = await db.run(
        'UPDATE run_claims SET holder = ?, until_at = ? WHERE name = ? AND (until_at < ? OR holder = ?)',
        [holder, until, name, at, holder],
      );
      if (taken === 1) return true;
      try {
        return (
          (await db.run('INSERT INTO run_claims (name, holder, until_at) VALUES (?, ?, ?)', [
            name,
            holder,
            until,
          ])) === 1
        );
      } catch (error) {
        if (isUniqueViolation(error)) return false;
        throw error;
      }
    },
    async release(name, holder) {
      await db.run('DELETE FROM run_claims WHERE name = ? AND holder = ?', [name, holder]);
    },
    async holder(name, at) {
      const [row] = await db.all<{ holder: string }>(
        'SELECT holder FROM run_claims WHERE name = ? AND until_at >= ?',
        [name, at],
      );
      return row?.holder;
    },
  };
}
