import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { SqliteDriverError } from '../../errors.js';

/**
 * The SQLite driver is a native addon, loaded when a SQLite database is opened — not at start: a driver built for
 * another Node.js then fails with a sentence saying what to do, and nothing else (help, PostgreSQL) is affected.
 */
export function loadSqliteDriver(): typeof BetterSqlite3 {
  try {
    return createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;
  } catch (error) {
    throw new SqliteDriverError({ cause: error });
  }
}

/**
 * The little SQL both stores need: statements are written once with `?` placeholders (numbered for PostgreSQL here),
 * `run` returns the affected row count so that conditional updates can tell whether they won.
 */
export interface Db {
  readonly dialect: 'sqlite' | 'postgres';
  all<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  run(sql: string, params?: readonly unknown[]): Promise<number>;
  /** Runs `fn` in one transaction; everything inside uses the `tx` handle. */
  transaction<T>(fn: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A promise chain that lets one SQLite operation (or transaction) run at a time on the single connection. */
function serial() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const next = tail.then(fn, fn);
    tail = next.catch(() => undefined);
    return next;
  };
}

function sqliteParams(params: readonly unknown[]): unknown[] {
  return params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
}

/**
 * SQLite's page cache, per connection. better-sqlite3 builds SQLite with 16 MB, a cache that fills as the file grows
 * and is native memory V8 neither sees nor counts against its heap: a long-running bot's tables (outbox, audit,
 * history) would hold up to 16 MiB in every replica. SQLite's own default, 2 MB, bounds it; the bot's reads are by
 * index and the kernel's file cache serves the rest.
 */
export const PAGE_CACHE_KIB = 2000;

export function openSqlite(path: string, options: { readOnly?: boolean } = {}): Db {
  const Database = loadSqliteDriver();
  if (options.readOnly) {
    // Looking only: the file must exist, and nothing can be written to it, by mistake or otherwise.
    const db = new Database(path, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 5000');
    db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
    return sqliteDb(db);
  }
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  return sqliteDb(db);
}

/** Prepared statements kept per SQL text: the store's statements are a fixed set, a few dozen. */
const STATEMENTS_KEPT = 256;

function sqliteDb(db: BetterSqlite3.Database): Db {
  const exclusive = serial();
  // Each statement holds native memory V8 does not see, so statements prepared per call and left to the garbage
  // collector grew a scan's memory by ~100 KiB a DM sent. Prepared once, reused (oldest dropped past the bound).
  const statements = new Map<string, BetterSqlite3.Statement>();
  const prepared = (sql: string): BetterSqlite3.Statement => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      if (statements.size >= STATEMENTS_KEPT) statements.delete(statements.keys().next().value as string);
      statements.set(sql, statement);
    }
    return statement;
  };

  const direct: Db = {
    dialect: 'sqlite',
    all: async <T>(sql: string, params: readonly unknown[] = []) =>
      prepared(sql).all(...sqliteParams(params)) as T[],
    run: async (sql, params = []) => prepared(sql).run(...sqliteParams(params)).changes,
    transaction: (fn) => fn(direct),
    close: async () => {
      db.close();
    },
  };

  return {
    dialect: 'sqlite',
    all: (sql, params) => exclusive(() => direct.all(sql, params)),
    run: (sql, params) => exclusive(() => direct.run(sql, params)),
    transaction: (fn) =>
      exclusive(async () => {
        db.exec('BEGIN IMMEDIATE');
        try {
          const result = await fn(direct);
          db.exec('COMMIT');
          return result;
        } catch (error) {
          db.exec('ROLLBACK');
          throw error;
        }
      }),
    close: () => exclusive(() => direct.close()),
  };
}

const numbered = (sql: string) => {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
};

function pgDb(
  query: (sql: string, params: unknown[]) => Promise<pg.QueryResult>,
): Omit<Db, 'transaction' | 'close'> {
  return {
    dialect: 'postgres',
    all: async <T>(sql: string, params: readonly unknown[] = []) =>
      (await query(numbered(sql), [...params])).rows as T[],
    run: async (sql, params = []) => (await query(numbered(sql), [...params])).rowCount ?? 0,
  };
}

/** PostgreSQL through a pool; `schema` (tests) puts every table in a schema of its own. */
export function openPostgres(url: string, options: { schema?: string; readOnly?: boolean } = {}): Db {
  // Read-only sessions (dry runs, doctor, reports): PostgreSQL itself refuses any write.
  const settings = [
    ...(options.schema ? [`-c search_path=${options.schema}`] : []),
    ...(options.readOnly ? ['-c default_transaction_read_only=on'] : []),
  ];
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    ...(settings.length ? { options: settings.join(' ') } : {}),
  });
  // BIGINT columns hold epoch milliseconds: read them back as numbers.
  pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
  const base = pgDb((sql, params) => pool.query(sql, params));
  return {
    ...base,
    dialect: 'postgres',
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const tx: Db = {
          ...pgDb((sql, params) => client.query(sql, params)),
          transaction: (inner) => inner(tx),
          close: async () => {},
        };
        const result = await fn(tx);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** `sqlite:<path>` or `postgres://…` / `postgresql://…`, as DATABASE_URL says. */
export function openDatabase(url: string, options: { readOnly?: boolean } = {}): Db {
  if (url.startsWith('sqlite:'))
    return openSqlite(url.slice('sqlite:'.length) || './data/aws-mfa-bot.db', options);
  if (/^postgres(ql)?:\/\//.test(url)) return openPostgres(url, options);
  throw new Error('DATABASE_URL must be sqlite:<path> or postgres://…');
}

/** Whether the database answers (readiness). */
export async function ping(db: Db): Promise<void> {
  await db.all('SELECT 1 AS ok');
}
