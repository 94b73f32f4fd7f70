import { DAY_MS, HOUR_MS } from '../../kernel/domain/time.js';
import type { Db } from './db.js';

/**
 * node-cron's run coordinator on the bot's own database: the first replica to insert a job's fire time runs it,
 * the others skip that tick. A plain insert, so it works through PgBouncer (unlike session advisory locks) and on
 * SQLite alike. Rows older than a week are pruned as new ones arrive.
 */
export function createRunCoordinator(db: Db, holder: string, now: () => number = Date.now) {
  let lastPrune = 0;
  return {
    async shouldRun(key: string, _ttlMs: number): Promise<boolean> {
      const at = now();
      if (at - lastPrune > HOUR_MS) {
        lastPrune = at;
        await db.run('DELETE FROM job_runs WHERE at < ?', [at - 7 * DAY_MS]);
      }
      const won = await db.run(
        'INSERT INTO job_runs (key, holder, at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
        [key, holder, at],
      );
      return won === 1;
    },
  };
}
