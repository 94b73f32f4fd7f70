import pg from 'pg';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** PostgreSQL URL for this run, or '' when no server answers (tests skip; CI fails instead). */
    pgUrl: string;
  }
}

export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/test';

export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL ?? DEFAULT_PG_URL;
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    project.provide('pgUrl', url);
  } catch (error) {
    const message = `PostgreSQL is not reachable at ${url.replace(/:[^:@/]+@/, ':*****@')} (${(error as Error).message}). Set TEST_DATABASE_URL.`;
    if (process.env.CI === 'true') throw new Error(`${message} CI requires it.`);
    process.stderr.write(
      `\n${'!'.repeat(78)}\n!! SKIPPING POSTGRESQL TESTS: ${message}\n${'!'.repeat(78)}\n\n`,
    );
    project.provide('pgUrl', '');
  } finally {
    await client.end().catch(() => undefined);
  }
}
