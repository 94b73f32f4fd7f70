import type { PastedKeyReport, PastedKeyStore } from '../../features/pasted-keys/ports.js';
import type { Db } from './db.js';

type Row = Record<string, unknown>;
const num = (v: unknown) => (v === null || v === undefined ? undefined : Number(v));

const toReport = (r: Row): PastedKeyReport => ({
  keyId: String(r.key_id),
  accountId: String(r.account_id),
  iamUser: String(r.iam_user),
  iamUserArn: String(r.iam_user_arn),
  ownerSlackId: r.owner_slack_id === null ? undefined : String(r.owner_slack_id),
  firstSeenAt: Number(r.first_seen_at),
  lastSeenAt: Number(r.last_seen_at),
  closedAt: num(r.closed_at),
});

/** Keys reported pasted into Slack: open from the first sighting until the key is switched off through the bot. */
export function createPastedKeyStore(db: Db): PastedKeyStore {
  return {
    async record(report, at) {
      // Seen again after it was closed (switched off, then pasted again): open again.
      await db.run(
        `INSERT INTO pasted_keys (key_id, account_id, iam_user, iam_user_arn, owner_slack_id, first_seen_at, last_seen_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (key_id) DO UPDATE SET account_id = excluded.account_id, iam_user = excluded.iam_user,
           iam_user_arn = excluded.iam_user_arn, owner_slack_id = excluded.owner_slack_id,
           last_seen_at = excluded.last_seen_at, closed_at = NULL`,
        [
          report.keyId,
          report.accountId,
          report.iamUser,
          report.iamUserArn,
          report.ownerSlackId ?? null,
          at,
          at,
        ],
      );
    },
    async open(keyId) {
      const [row] = await db.all<Row>('SELECT * FROM pasted_keys WHERE key_id = ? AND closed_at IS NULL', [
        keyId,
      ]);
      return row ? toReport(row) : undefined;
    },
    async close(keyId, at) {
      await db.run('UPDATE pasted_keys SET closed_at = ? WHERE key_id = ? AND closed_at IS NULL', [
        at,
        keyId,
      ]);
    },
  };
}

/** Counters per key (the key names its window), shared by every replica: one atomic add that says the new total. */
export function createRateStore(db: Db) {
  return {
    async add(key: string, n: number, at: number): Promise<number> {
      const [row] = await db.all<{ count: number }>(
        `INSERT INTO rate_counts (key, count, at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET count = rate_counts.count + excluded.count
         RETURNING count`,
        [key, n, at],
      );
      return Number(row?.count ?? n);
    },
    /** Forgets windows older than `before`. */
    async prune(before: number): Promise<void> {
      await db.run('DELETE FROM rate_counts WHERE at < ?', [before]);
    },
  };
}
