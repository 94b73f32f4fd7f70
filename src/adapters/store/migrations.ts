import { existsSync } from 'node:fs';
import { SchemaTooNewError } from '../../errors.js';
import { type Db, loadSqliteDriver, openDatabase } from './db.js';

/**
 * One list of migrations for both databases: plain SQL that SQLite and PostgreSQL both accept (TEXT, BIGINT epoch
 * milliseconds, INTEGER flags, partial unique indexes). Never edit a shipped migration; add a new one.
 */
const MIGRATIONS: readonly { id: number; statements: readonly string[] }[] = [
  {
    id: 1,
    statements: [
      `CREATE TABLE rotation_requests (
        id TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        requester_slack_id TEXT NOT NULL,
        iam_user TEXT NOT NULL,
        iam_user_arn TEXT NOT NULL,
        account_id TEXT NOT NULL,
        old_key_id TEXT NOT NULL,
        old_key_created_at BIGINT NOT NULL,
        old_key_last_used_at BIGINT,
        old_key_last_service TEXT,
        reason TEXT NOT NULL,
        required_approvals INTEGER NOT NULL,
        privileged INTEGER NOT NULL,
        approval_channel TEXT NOT NULL,
        approval_ts TEXT,
        message_synced INTEGER NOT NULL DEFAULT 0,
        decided_by TEXT,
        decided_at BIGINT,
        deny_reason TEXT,
        new_key_id TEXT,
        new_key_created_at BIGINT,
        secret_arn TEXT,
        secret_name TEXT,
        delivered_at BIGINT,
        deactivate_after BIGINT,
        deactivated_at BIGINT,
        delete_after BIGINT,
        deleted_at BIGINT,
        paused INTEGER NOT NULL DEFAULT 0,
        lease_until BIGINT,
        attempt_started_at BIGINT,
        failure TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        expires_at BIGINT NOT NULL
      )`,
      // One open request per key: a second request for the same key is refused by the database itself.
      `CREATE UNIQUE INDEX rotation_one_open_per_key ON rotation_requests (old_key_id)
        WHERE state IN ('requested', 'approved', 'key_created', 'delivered')`,
      'CREATE INDEX rotation_by_state ON rotation_requests (state)',
      `CREATE TABLE rotation_approvals (
        request_id TEXT NOT NULL REFERENCES rotation_requests (id),
        approver_slack_id TEXT NOT NULL,
        at BIGINT NOT NULL,
        PRIMARY KEY (request_id, approver_slack_id)
      )`,
      `CREATE TABLE audit_log (
        id TEXT PRIMARY KEY,
        request_id TEXT NOT NULL,
        seq INTEGER NOT NULL,
        actor TEXT NOT NULL,
        from_state TEXT,
        to_state TEXT NOT NULL,
        at BIGINT NOT NULL,
        detail TEXT
      )`,
      'CREATE UNIQUE INDEX audit_by_request ON audit_log (request_id, seq)',
      `CREATE TABLE outbox (
        id TEXT PRIMARY KEY,
        channel TEXT NOT NULL,
        message TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_at BIGINT NOT NULL,
        sent_at BIGINT,
        last_error TEXT,
        created_at BIGINT NOT NULL
      )`,
      'CREATE INDEX outbox_due ON outbox (sent_at, next_at)',
    ],
  },
  {
    id: 2,
    statements: [
      // One row per finding subject (rule family, IAM user, key): what was sent, snoozed, answered.
      `CREATE TABLE nudges (
        subject TEXT PRIMARY KEY,
        rule_id TEXT NOT NULL,
        severity TEXT NOT NULL,
        iam_user_arn TEXT NOT NULL,
        slack_user_id TEXT,
        sent_count INTEGER NOT NULL DEFAULT 0,
        last_sent_at BIGINT,
        snoozed_until BIGINT,
        answered_at BIGINT,
        last_seen_at BIGINT NOT NULL
      )`,
      'CREATE TABLE scan_runs (id TEXT PRIMARY KEY, at BIGINT NOT NULL, counts TEXT NOT NULL)',
      'CREATE INDEX scan_runs_at ON scan_runs (at)',
    ],
  },
  {
    id: 3,
    statements: [
      // Cursors of scheduled jobs (the CloudTrail signals job's last look) and signals already acted on.
      'CREATE TABLE job_state (name TEXT PRIMARY KEY, value TEXT NOT NULL, updated_at BIGINT NOT NULL)',
      'CREATE TABLE signals_seen (key TEXT PRIMARY KEY, at BIGINT NOT NULL)',
    ],
  },
  {
    id: 4,
    statements: [
      // The old key's one postponement (replaces the open-ended pause, whose column stays unused).
      'ALTER TABLE rotation_requests ADD COLUMN postponed_at BIGINT',
      'ALTER TABLE rotation_requests ADD COLUMN last_use_seen_at BIGINT',
      // A failed attempt whose CreateAccessKey may have made a key nobody holds: checked once by the jobs.
      'ALTER TABLE rotation_requests ADD COLUMN orphans_checked INTEGER NOT NULL DEFAULT 0',
      // A claimed outbox row is being sent by one flusher until then.
      'ALTER TABLE outbox ADD COLUMN claimed_until BIGINT',
      // Who each IAM user maps to, and since when: key actions need a mapping the person cannot steer.
      `CREATE TABLE identity_mappings (
        iam_user_arn TEXT PRIMARY KEY,
        slack_user_id TEXT NOT NULL,
        rule TEXT NOT NULL,
        since BIGINT NOT NULL,
        seen_at BIGINT NOT NULL
      )`,
    ],
  },
  {
    id: 5,
    statements: [
      // One row per scheduled job and fire time: the replica whose insert wins runs it (node-cron's coordinator).
      'CREATE TABLE job_runs (key TEXT PRIMARY KEY, holder TEXT NOT NULL, at BIGINT NOT NULL)',
      'CREATE INDEX job_runs_at ON job_runs (at)',
      // Who holds a request's lease: "<instance>#<boot>", so a restarted instance takes over its own at once.
      'ALTER TABLE rotation_requests ADD COLUMN lease_holder TEXT',
      // The user's key IDs just before CreateAccessKey: any other key afterwards is the attempt's, whatever the clocks say.
      'ALTER TABLE rotation_requests ADD COLUMN keys_before TEXT',
    ],
  },
  {
    id: 6,
    statements: [
      // Keys their owners retired (unused, surplus, pasted into Slack): one row per key, deleted on a schedule.
      `CREATE TABLE key_retirements (
        id TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        iam_user TEXT NOT NULL,
        iam_user_arn TEXT NOT NULL,
        account_id TEXT NOT NULL,
        owner_slack_id TEXT NOT NULL,
        actor TEXT NOT NULL,
        source TEXT NOT NULL,
        deactivated_at BIGINT,
        delete_after BIGINT,
        deleted_at BIGINT,
        lease_until BIGINT,
        lease_holder TEXT,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      'CREATE INDEX key_retirements_by_state ON key_retirements (state)',
    ],
  },
  {
    id: 7,
    statements: [
      // Resets of a lost or broken MFA device: approved like rotations, with an identity check by each approver.
      `CREATE TABLE mfa_resets (
        id TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        requester_slack_id TEXT NOT NULL,
        iam_user TEXT NOT NULL,
        iam_user_arn TEXT NOT NULL,
        account_id TEXT NOT NULL,
        serial_number TEXT NOT NULL,
        device_type TEXT NOT NULL,
        device_enabled_at BIGINT,
        what TEXT NOT NULL,
        note TEXT NOT NULL,
        required_approvals INTEGER NOT NULL,
        privileged INTEGER NOT NULL,
        approval_channel TEXT NOT NULL,
        approval_ts TEXT,
        message_synced INTEGER NOT NULL DEFAULT 0,
        decided_by TEXT,
        decided_at BIGINT,
        deny_reason TEXT,
        removed_at BIGINT,
        reenrol_due BIGINT,
        reenrolled_at BIGINT,
        failure TEXT,
        lease_until BIGINT,
        lease_holder TEXT,
        expires_at BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      // One open reset per IAM user: a second request while one waits is refused by the database itself.
      `CREATE UNIQUE INDEX mfa_resets_one_open_per_user ON mfa_resets (iam_user_arn)
        WHERE state IN ('requested', 'approved')`,
      'CREATE INDEX mfa_resets_by_state ON mfa_resets (state)',
      `CREATE TABLE mfa_reset_approvals (
        reset_id TEXT NOT NULL REFERENCES mfa_resets (id),
        approver_slack_id TEXT NOT NULL,
        at BIGINT NOT NULL,
        PRIMARY KEY (reset_id, approver_slack_id)
      )`,
    ],
  },
  {
    id: 8,
    statements: [
      // The weekly picture: counts per scan, for the whole organisation ('') and per account. No person in it.
      `CREATE TABLE posture_snapshots (
        id TEXT PRIMARY KEY,
        at BIGINT NOT NULL,
        account_id TEXT NOT NULL,
        counts TEXT NOT NULL
      )`,
      'CREATE INDEX posture_snapshots_by_at ON posture_snapshots (at)',
    ],
  },
  {
    id: 9,
    statements: [
      // A retired key switched back on through the bot: once, and only until then (it goes off again by itself).
      'ALTER TABLE key_retirements ADD COLUMN reactivated_at BIGINT',
      'ALTER TABLE key_retirements ADD COLUMN reactivated_until BIGINT',
      // Keys reported pasted into Slack, whose the bot could tell: approvers act on these, and on no other key.
      `CREATE TABLE pasted_keys (
        key_id TEXT PRIMARY KEY,
        account_id TEXT NOT NULL,
        iam_user TEXT NOT NULL,
        iam_user_arn TEXT NOT NULL,
        owner_slack_id TEXT,
        first_seen_at BIGINT NOT NULL,
        last_seen_at BIGINT NOT NULL,
        closed_at BIGINT
      )`,
      // Counters per key and window (pasted key IDs per poster and per channel an hour): shared by every replica.
      'CREATE TABLE rate_counts (key TEXT PRIMARY KEY, count INTEGER NOT NULL, at BIGINT NOT NULL)',
      'CREATE INDEX rate_counts_at ON rate_counts (at)',
      // The operator trusted an e-mail mapping (aws-mfa-bot identities trust): until it changes person.
      'ALTER TABLE identity_mappings ADD COLUMN trusted_at BIGINT',
      'ALTER TABLE identity_mappings ADD COLUMN trusted_by TEXT',
    ],
  },
  {
    id: 10,
    statements: [
      // Who claimed an outbox row: an earlier boot of the same instance (it died) is taken over at once.
      'ALTER TABLE outbox ADD COLUMN claimed_by TEXT',
      // A one-shot command (`scan`, `jobs`) or a scheduled run holds its name while it runs: two at once act once.
      'CREATE TABLE run_claims (name TEXT PRIMARY KEY, holder TEXT NOT NULL, until_at BIGINT NOT NULL)',
    ],
  },
  {
    id: 11,
    statements: [
      // Deleting a member account's root credentials (sts:AssumeRoot): asked by one approver, approved by two others.
      `CREATE TABLE root_deletions (
        id TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        requester_slack_id TEXT NOT NULL,
        iam_user TEXT NOT NULL,
        iam_user_arn TEXT NOT NULL,
        account_id TEXT NOT NULL,
        required_approvals INTEGER NOT NULL,
        privileged INTEGER NOT NULL,
        approval_channel TEXT NOT NULL,
        approval_ts TEXT,
        message_synced INTEGER NOT NULL DEFAULT 0,
        decided_by TEXT,
        decided_at BIGINT,
        deny_reason TEXT,
        failure TEXT,
        removed TEXT,
        deleted_at BIGINT,
        lease_until BIGINT,
        lease_holder TEXT,
        expires_at BIGINT NOT NULL,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL
      )`,
      // One open deletion per member account: a second request while one waits is refused by the database itself.
      `CREATE UNIQUE INDEX root_deletions_one_open_per_account ON root_deletions (account_id)
        WHERE state IN ('requested', 'approved')`,
      'CREATE INDEX root_deletions_by_state ON root_deletions (state)',
      `CREATE TABLE root_deletion_approvals (
        deletion_id TEXT NOT NULL REFERENCES root_deletions (id),
        approver_slack_id TEXT NOT NULL,
        at BIGINT NOT NULL,
        PRIMARY KEY (deletion_id, approver_slack_id)
      )`,
    ],
  },
];

/** Any number will do, as long as it is this app's own: the lock migrations take on PostgreSQL. */
const MIGRATION_LOCK = 7_302_114_559;

/**
 * Applies what is missing, in one transaction. On PostgreSQL the transaction first takes an advisory lock, so replicas
 * starting together on an empty or old database queue up: the first migrates, the others find nothing to do.
 */
export async function migrate(db: Db): Promise<number[]> {
  return db.transaction(async (tx) => {
    if (tx.dialect === 'postgres') await tx.all('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK]);
    await tx.run(
      'CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
    );
    const applied = new Set(
      (await tx.all<{ id: number }>('SELECT id FROM schema_migrations')).map((r) => Number(r.id)),
    );
    const known = Math.max(...MIGRATIONS.map((m) => m.id));
    const newest = Math.max(0, ...applied);
    if (newest > known) throw new SchemaTooNewError(newest, known);
    const ran: number[] = [];
    for (const m of MIGRATIONS) {
      if (applied.has(m.id)) continue;
      for (const statement of m.statements) await tx.run(statement);
      await tx.run('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)', [m.id, Date.now()]);
      ran.push(m.id);
    }
    return ran;
  });
}

/** Which migrations a database lacks, read without changing anything (for `doctor`). */
export async function migrationStatus(db: Db): Promise<{ pending: number[]; newest: number; known: number }> {
  const known = Math.max(...MIGRATIONS.map((m) => m.id));
  const table =
    db.dialect === 'postgres'
      ? await db.all<{ n: number }>(
          "SELECT 1 AS n FROM information_schema.tables WHERE table_name = 'schema_migrations' AND table_schema = current_schema()",
        )
      : await db.all<{ n: number }>(
          "SELECT 1 AS n FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
        );
  const applied = new Set(
    table.length === 0
      ? []
      : (await db.all<{ id: number }>('SELECT id FROM schema_migrations')).map((r) => Number(r.id)),
  );
  return {
    pending: MIGRATIONS.map((m) => m.id).filter((id) => !applied.has(id)),
    newest: Math.max(0, ...applied),
    known,
  };
}

export type DatabaseState =
  /** A SQLite file that does not exist yet (it is not created). */
  | { readonly kind: 'missing'; readonly path: string }
  | { readonly kind: 'pending'; readonly db: Db; readonly pending: readonly number[] }
  | { readonly kind: 'newer'; readonly db: Db; readonly newest: number; readonly known: number }
  | { readonly kind: 'ready'; readonly db: Db; readonly known: number };

/**
 * The database at `url` as it is, for what must change nothing (doctor, dry runs, reports): a missing SQLite file is
 * not created and nothing is migrated. The caller closes `db`; if reading fails, it is closed here and the error thrown.
 */
export async function inspectDatabase(url: string): Promise<DatabaseState> {
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : undefined;
  // The driver first: one that cannot load is the problem, whether or not the file exists yet.
  if (path) loadSqliteDriver();
  if (path && path !== ':memory:' && !existsSync(path)) return { kind: 'missing', path };
  // Read only: looking at a database never changes it (an in-memory one has nothing to look at but its own).
  const db = openDatabase(url, { readOnly: path !== ':memory:' });
  const status = await migrationStatus(db).catch(async (error: unknown) => {
    await db.close().catch(() => undefined);
    throw error;
  });
  if (status.newest > status.known) return { kind: 'newer', db, newest: status.newest, known: status.known };
  if (status.pending.length > 0) return { kind: 'pending', db, pending: status.pending };
  return { kind: 'ready', db, known: status.known };
}
