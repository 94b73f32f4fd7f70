import type { NudgeRecord } from '../../features/scan/domain/nudge-policy.js';
import type { ScanStore } from '../../features/scan/ports.js';
import type { Severity } from '../../kernel/domain/findings.js';
import type { Db } from './db.js';

type Row = Record<string, unknown>;
const num = (v: unknown) => (v === null || v === undefined ? undefined : Number(v));

function toRecord(r: Row): NudgeRecord {
  return {
    subject: String(r.subject),
    ruleId: String(r.rule_id),
    severity: r.severity as Severity,
    sentCount: Number(r.sent_count),
    lastSentAt: num(r.last_sent_at),
    snoozedUntil: num(r.snoozed_until),
    answeredAt: num(r.answered_at),
    slackUserId:
      r.slack_user_id === null || r.slack_user_id === undefined ? undefined : String(r.slack_user_id),
    iamUserArn: String(r.iam_user_arn),
  };
}

export function createScanStore(db: Db): ScanStore {
  return {
    async nudge(subject) {
      const [row] = await db.all<Row>('SELECT * FROM nudges WHERE subject = ?', [subject]);
      return row ? toRecord(row) : undefined;
    },

    async recordNudge(n, at) {
      // A nudge about a worse finding replaces the rule and severity; the count keeps growing for escalation.
      await db.run(
        `INSERT INTO nudges (subject, rule_id, severity, iam_user_arn, slack_user_id, sent_count, last_sent_at, last_seen_at)
         VALUES (?, ?, ?, ?, ?, 1, ?, ?)
         ON CONFLICT (subject) DO UPDATE SET rule_id = excluded.rule_id, severity = excluded.severity,
           slack_user_id = excluded.slack_user_id, sent_count = nudges.sent_count + 1,
           last_sent_at = excluded.last_sent_at, last_seen_at = excluded.last_seen_at`,
        [n.subject, n.ruleId, n.severity, n.iamUserArn, n.slackUserId, at, at],
      );
    },

    async snooze(subject, until, at) {
      return (
        (await db.run('UPDATE nudges SET snoozed_until = ?, answered_at = ? WHERE subject = ?', [
          until,
          at,
          subject,
        ])) === 1
      );
    },

    async answer(subject, at) {
      return (await db.run('UPDATE nudges SET answered_at = ? WHERE subject = ?', [at, subject])) === 1;
    },

    async markSeen(key, at) {
      return (
        (await db.run('INSERT INTO signals_seen (key, at) VALUES (?, ?) ON CONFLICT DO NOTHING', [
          key,
          at,
        ])) === 1
      );
    },

    async wasSeen(key) {
      return (await db.all('SELECT 1 AS n FROM signals_seen WHERE key = ?', [key])).length > 0;
    },

    async cursor(name) {
      const [row] = await db.all<Row>('SELECT value FROM job_state WHERE name = ?', [name]);
      return row ? String(row.value) : undefined;
    },

    async setCursor(name, value, at) {
      await db.run(
        `INSERT INTO job_state (name, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
        [name, value, at],
      );
    },

    async lastScanCounts() {
      const [row] = await db.all<Row>('SELECT counts FROM scan_runs ORDER BY at DESC LIMIT 1');
      return row ? (JSON.parse(String(row.counts)) as Record<string, number>) : undefined;
    },

    async saveScan(id, at, counts) {
      await db.run('INSERT INTO scan_runs (id, at, counts) VALUES (?, ?, ?)', [
        id,
        at,
        JSON.stringify(counts),
      ]);
    },
  };
}
