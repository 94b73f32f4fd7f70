import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openSqlite, PAGE_CACHE_KIB } from '../../../src/adapters/store/db.js';

const require = createRequire(import.meta.url);
const Database = require('better-sqlite3') as { prototype: { prepare(sql: string): unknown } };

describe('the SQLite store', () => {
  const original = Database.prototype.prepare;
  afterEach(() => {
    Database.prototype.prepare = original;
  });

  it('prepares each statement once and reuses it (a statement per call held native memory until GC)', async () => {
    const prepared: string[] = [];
    Database.prototype.prepare = function (this: unknown, sql: string) {
      prepared.push(sql);
      return original.call(this, sql);
    };
    const db = openSqlite(':memory:');
    await db.run('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)');
    for (let i = 0; i < 500; i++) await db.run('INSERT INTO t (v) VALUES (?)', [`v${i}`]);
    await db.transaction(async (tx) => {
      for (let i = 0; i < 100; i++) await tx.run('INSERT INTO t (v) VALUES (?)', ['in a transaction']);
    });
    for (let i = 0; i < 200; i++) await db.all('SELECT COUNT(*) AS n FROM t WHERE v = ?', ['v1']);
    expect((await db.all<{ n: number }>('SELECT COUNT(*) AS n FROM t'))[0]?.n).toBe(600);
    expect(prepared.filter((sql) => sql.startsWith('INSERT'))).toHaveLength(1);
    expect(prepared.filter((sql) => sql.startsWith('SELECT COUNT(*) AS n FROM t WHERE'))).toHaveLength(1);
    await db.close();
  });

  it('bounds its page cache at 2 MB, the SQLite default, not the 16 MB better-sqlite3 builds in (native memory growing with the file)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aws-mfa-bot-db-'));
    try {
      const db = openSqlite(join(dir, 'bot.db'));
      expect(await db.all<{ cache_size: number }>('PRAGMA cache_size')).toEqual([
        { cache_size: -PAGE_CACHE_KIB },
      ]);
      expect(PAGE_CACHE_KIB).toBeLessThanOrEqual(2000);
      await db.close();
      const reader = openSqlite(join(dir, 'bot.db'), { readOnly: true });
      expect(await reader.all<{ cache_size: number }>('PRAGMA cache_size')).toEqual([
        { cache_size: -PAGE_CACHE_KIB },
      ]);
      await reader.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
