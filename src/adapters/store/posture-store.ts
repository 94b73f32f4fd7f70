import type { PostureCounts } from '../../features/posture/domain.js';
import type { PostureStore } from '../../features/posture/ports.js';
import type { Db } from './db.js';

export function createPostureStore(db: Db): PostureStore {
  return {
    async record(id, s) {
      await db.run('INSERT INTO posture_snapshots (id, at, account_id, counts) VALUES (?, ?, ?, ?)', [
        id,
        s.at,
        s.accountId,
        JSON.stringify(s.counts),
      ]);
    },
    async since(since) {
      const rows = await db.all<{ at: number; account_id: string; counts: string }>(
        'SELECT at, account_id, counts FROM posture_snapshots WHERE at >= ? ORDER BY at',
        [since],
      );
      return rows.map((r) => ({
        at: Number(r.at),
        accountId: String(r.account_id),
        counts: JSON.parse(String(r.counts)) as PostureCounts,
      }));
    },
  };
}
