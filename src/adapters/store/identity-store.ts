import type { MappingRecord, MappingRule } from '../../kernel/domain/identity.js';
import type { IdentityStore, MappingChange, StoredMapping } from '../../kernel/people/ports.js';
import type { Db } from './db.js';
import { insertOutbox, writeAudit } from './workflow-table.js';

type Row = {
  iam_user_arn: string;
  slack_user_id: string;
  rule: string;
  since: number;
  trusted_at: number | null;
  trusted_by: string | null;
};

/** IN lists are read in chunks: a scan may observe thousands of users at once. */
const CHUNK = 500;

async function readRows(db: Db, arns: readonly string[]): Promise<Map<string, Row>> {
  const out = new Map<string, Row>();
  for (let i = 0; i < arns.length; i += CHUNK) {
    const part = arns.slice(i, i + CHUNK);
    const rows = await db.all<Row>(
      `SELECT iam_user_arn, slack_user_id, rule, since, trusted_at, trusted_by FROM identity_mappings
       WHERE iam_user_arn IN (${part.map(() => '?').join(', ')})`,
      part,
    );
    for (const r of rows) out.set(r.iam_user_arn, r);
  }
  return out;
}

const recordOf = (r: Row): MappingRecord => ({
  since: Number(r.since),
  ...(r.trusted_at === null || r.trusted_at === undefined ? {} : { trustedAt: Number(r.trusted_at) }),
});

/** Who each IAM user maps to, and since when: a change of person restarts the clock and forgets the operator's trust. */
export function createIdentityStore(db: Db): IdentityStore {
  // New or moved to another person: the mapping starts over. Two replicas seeing the same change agree on it.
  const upsert = (tx: Db, o: { iamUserArn: string; slackUserId: string; rule: MappingRule }, at: number) =>
    tx.run(
      `INSERT INTO identity_mappings (iam_user_arn, slack_user_id, rule, since, seen_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (iam_user_arn) DO UPDATE SET slack_user_id = excluded.slack_user_id, rule = excluded.rule,
         since = excluded.since, seen_at = excluded.seen_at, trusted_at = NULL, trusted_by = NULL
       WHERE identity_mappings.slack_user_id <> excluded.slack_user_id`,
      [o.iamUserArn, o.slackUserId, o.rule, at, at],
    );

  return {
    async observe(observations, at) {
      const records = new Map<string, MappingRecord>();
      const changed: MappingChange[] = [];
      const first: MappingChange[] = [];
      if (observations.length === 0) return { records, changed, first };
      const known = await readRows(
        db,
        observations.map((o) => o.iamUserArn),
      );
      const moves = observations.filter((o) => known.get(o.iamUserArn)?.slack_user_id !== o.slackUserId);
      if (moves.length > 0)
        await db.transaction(async (tx) => {
          for (const o of moves) await upsert(tx, o, at);
        });
      for (const o of observations) {
        const row = known.get(o.iamUserArn);
        if (row && row.slack_user_id === o.slackUserId) {
          records.set(o.iamUserArn, recordOf(row));
          continue;
        }
        records.set(o.iamUserArn, { since: at });
        const change = {
          iamUserArn: o.iamUserArn,
          from: row?.slack_user_id,
          to: o.slackUserId,
          rule: o.rule,
        };
        (row ? changed : first).push(change);
      }
      return { records, changed, first };
    },

    async read(arns) {
      const rows = await readRows(db, arns);
      const out = new Map<string, StoredMapping>();
      for (const [arn, r] of rows)
        out.set(arn, {
          ...recordOf(r),
          iamUserArn: arn,
          slackUserId: r.slack_user_id,
          rule: r.rule as MappingRule,
          ...(r.trusted_by ? { trustedBy: r.trusted_by } : {}),
        });
      return out;
    },

    async trust(observations, at, by, notify) {
      const trusted: string[] = [];
      await db.transaction(async (tx) => {
        for (const o of observations) {
          await upsert(tx, o, at);
          const changed = await tx.run(
            `UPDATE identity_mappings SET trusted_at = ?, trusted_by = ?
             WHERE iam_user_arn = ? AND slack_user_id = ? AND trusted_at IS NULL`,
            [at, by, o.iamUserArn, o.slackUserId],
          );
          if (changed !== 1) continue;
          trusted.push(o.iamUserArn);
          await writeAudit(tx, {
            requestId: `identity:${o.iamUserArn}`,
            actor: by,
            fromState: 'waiting',
            toState: 'trusted',
            at,
            detail: `${o.rule} mapping to ${o.slackUserId} trusted by the operator`,
          });
        }
        if (trusted.length > 0) for (const out of notify?.(trusted) ?? []) await insertOutbox(tx, out, at);
      });
      return trusted;
    },

    async list(prefix) {
      const rows = await db.all<Row>(
        `SELECT iam_user_arn, slack_user_id, rule, since, trusted_at, trusted_by FROM identity_mappings
         WHERE iam_user_arn LIKE ? ESCAPE '\\' ORDER BY iam_user_arn`,
        [`${prefix.replace(/[%_\\]/g, '\\$&')}%`],
      );
      return rows.map((r) => ({
        ...recordOf(r),
        iamUserArn: r.iam_user_arn,
        slackUserId: r.slack_user_id,
        rule: r.rule as MappingRule,
        ...(r.trusted_by ? { trustedBy: r.trusted_by } : {}),
      }));
    },
  };
}
