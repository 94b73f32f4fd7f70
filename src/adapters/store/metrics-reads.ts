import type { MetricsReads } from '../../metrics.js';
import type { Db } from './db.js';

export function createMetricsReads(db: Db): MetricsReads {
  return {
    async outbox(now) {
      const [row] = await db.all<{ n: number; oldest: number | null }>(
        'SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE sent_at IS NULL',
      );
      const oldest = row?.oldest === null || row?.oldest === undefined ? undefined : Number(row.oldest);
      return {
        depth: Number(row?.n ?? 0),
        oldest: oldest === undefined ? undefined : Math.max(0, now - oldest),
      };
    },
    async rotationsByState() {
      const rows = await db.all<{ state: string; n: number }>(
        'SELECT state, COUNT(*) AS n FROM rotation_requests GROUP BY state',
      );
      return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
    },
  };
}
