import type { IdentityStore, MappingChange } from '../services/ports.js';
import type { Db } from './db.js';

/** Who each IAM user mapped to, and since when: a change of person restarts the clock. */
export function createIdentityStore(db: Db): IdentityStore {
  return {
    async observe(observations, at) {
      const since = new Map<string, number>();
      const changed: MappingChange[] = [];
      if (observations.length === 0) return { since, changed };
      const rows = await db.all<{ iam_user_arn: string; slack_user_id: string; since: number }>(
        `SELECT iam_user_arn, slack_user_id, since FROM identity_mappings
         WHERE iam_user_arn IN (${observations.map(() => '?').join(', ')})`,
        observations.map((o) => o.iamUserArn),
      );
      const known = new Map(rows.map((r) => [r.iam_user_arn, r]));
      for (const o of observations) {
        const row = known.get(o.iamUserArn);
        if (row && row.slack_user_id === o.slackUserId) {
          since.set(o.iamUserArn, Number(row.since));
          continue;
        }
        // New or moved to another person: the mapping starts over. Two replicas seeing the same change agree on it.
        await db.run(
          `INSERT INTO identity_mappings (iam_user_arn, slack_user_id, rule, since, seen_at) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (iam_user_arn) DO UPDATE SET slack_user_id = excluded.slack_user_id, rule = excluded.rule,
             since = excluded.since, seen_at = excluded.seen_at
           WHERE identity_mappings.slack_user_id <> excluded.slack_user_id`,
          [o.iamUserArn, o.slackUserId, o.rule, at, at],
        );
        since.set(o.iamUserArn, at);
        if (row)
          changed.push({
            iamUserArn: o.iamUserArn,
            from: row.slack_user_id,
            to: o.slackUserId,
            rule: o.rule,
          });
      }
      return { since, changed };
    },
  };
}
