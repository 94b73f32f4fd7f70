import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { expect, it } from 'vitest';
import { openPostgres, openSqlite } from '../../../src/adapters/store/db.js';
import { createRunCoordinator } from '../../../src/adapters/store/job-runs.js';
import { inspectDatabase, migrate } from '../../../src/adapters/store/migrations.js';
import { SchemaTooNewError } from '../../../src/errors.js';
import { DATABASES, pgUrl } from '../../helpers/databases.js';

const itWithPostgres = pgUrl ? it : it.skip;

itWithPostgres(
  'five replicas migrating one empty PostgreSQL schema at once all succeed; each migration runs once',
  async () => {
    const schema = `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
    const admin = new pg.Client({ connectionString: pgUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    const replicas = Array.from({ length: 5 }, () => openPostgres(pgUrl, { schema }));
    try {
      const ran = await Promise.all(replicas.map((db) => migrate(db)));
      const all = ran.flat();
      expect(all.sort((a, b) => a - b)).toEqual([...new Set(all)].sort((a, b) => a - b));
      expect(ran.filter((r) => r.length > 0)).toHaveLength(1);
    } finally {
      for (const db of replicas) await db.close();
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    }
  },
);

it('refuses a database migrated by a newer version, naming what to do', async () => {
  const db = openSqlite(':memory:');
  await migrate(db);
  await db.run('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)', [999, Date.now()]);
  const refused = await migrate(db).catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(SchemaTooNewError);
  expect((refused as Error).message).toMatch(/migration 999, newer than this version .* upgrade the bot/);
  await db.close();
});

it('inspects a database without creating or migrating it: missing, pending, ready, newer', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'aws-mfa-bot-inspect-'));
  const url = `sqlite:${dir}/bot.db`;
  expect(await inspectDatabase(url)).toEqual({ kind: 'missing', path: `${dir}/bot.db` });
  expect(existsSync(`${dir}/bot.db`)).toBe(false);

  const empty = openSqlite(`${dir}/bot.db`);
  await empty.close();
  const pending = await inspectDatabase(url);
  expect(pending.kind === 'pending' && pending.pending[0]).toBe(1);
  if (pending.kind !== 'missing') await pending.db.close();
  // Looking did not migrate it.
  const again = await inspectDatabase(url);
  expect(again.kind).toBe('pending');
  if (again.kind !== 'missing') await again.db.close();

  const db = openSqlite(`${dir}/bot.db`);
  await migrate(db);
  const ready = await inspectDatabase(url);
  expect(ready.kind).toBe('ready');
  if (ready.kind !== 'missing') await ready.db.close();
  await db.run('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)', [999, Date.now()]);
  await db.close();
  const newer = await inspectDatabase(url);
  expect(newer).toMatchObject({ kind: 'newer', newest: 999 });
  if (newer.kind !== 'missing') await newer.db.close();
});

it.each(DATABASES)('on $name, one replica wins each job fire time', async (database) => {
  const { db, drop } = await database.open();
  try {
    const replicas = ['a', 'b', 'c'].map((holder) => createRunCoordinator(db, holder));
    const tick = `scan:${new Date().toISOString()}`;
    const won = await Promise.all(replicas.map((r) => r.shouldRun(tick, 60_000)));
    expect(won.filter(Boolean)).toHaveLength(1);
    expect(await replicas[0]?.shouldRun(`${tick}-next`, 60_000)).toBe(true);
  } finally {
    await drop();
  }
});
