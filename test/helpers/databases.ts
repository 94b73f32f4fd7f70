import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { type Db, openPostgres, openSqlite } from '../../src/adapters/store/db.js';
import { migrate } from '../../src/adapters/store/migrations.js';

export const pgUrl = inject('pgUrl');

export interface TestDatabase {
  readonly name: 'sqlite' | 'postgres';
  open(): Promise<{ db: Db; drop(): Promise<void> }>;
}

/** The same store suite runs on both: SQLite in memory, PostgreSQL in a schema of its own per database opened. */
export const DATABASES: TestDatabase[] = [
  {
    name: 'sqlite',
    async open() {
      const db = openSqlite(':memory:');
      await migrate(db);
      return { db, drop: () => db.close() };
    },
  },
  ...(pgUrl
    ? [
        {
          name: 'postgres' as const,
          async open() {
            const schema = `t_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
            const admin = new pg.Client({ connectionString: pgUrl });
            await admin.connect();
            await admin.query(`CREATE SCHEMA ${schema}`);
            await admin.end();
            const db = openPostgres(pgUrl, { schema });
            await migrate(db);
            return {
              db,
              async drop() {
                await db.close();
                const c = new pg.Client({ connectionString: pgUrl });
                await c.connect();
                await c.query(`DROP SCHEMA ${schema} CASCADE`);
                await c.end();
              },
            };
          },
        },
      ]
    : []),
];
