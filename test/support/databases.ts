import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import pg from 'pg';
import { connectDatabase, type DatabaseHandle, pgliteDirUnder } from '../../src/db/connect.ts';
import { openPgliteCopy } from './pglite-template.ts';
import { createMigratedPostgres } from './postgres-template.ts';
import { scratchDir } from './scratch-dir.ts';

/**
 * The suite runs against both databases kefu-hub supports: the real PostgreSQL server and the
 * embedded PGlite. Each test gets a database of its own, migrated, dropped afterwards (a PGlite one
 * is a copy of a template: test/support/pglite-template.ts, and a PostgreSQL one too:
 * test/support/postgres-template.ts).
 */
export type DatabaseKind = 'postgres' | 'pglite';
export const DATABASE_KINDS: DatabaseKind[] = ['pglite', 'postgres'];

export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface TestDatabase {
  /** DATABASE_URL for the service ('' = PGlite under dataDir). */
  url: string;
  dataDir: string;
  drop(): Promise<void>;
}

/**
 * A migrated database of the given kind and a connection to it, for tests that use the database in
 * their own process. A PGlite copy is opened once, not opened to get its identity and then again
 * (each open starts PostgreSQL in WebAssembly: about 0.4 s of CPU).
 */
export async function migratedDatabase(
  kind: DatabaseKind,
): Promise<{ handle: DatabaseHandle; test: TestDatabase; close(): Promise<void> }> {
  let test: TestDatabase;
  let handle: DatabaseHandle;
  if (kind === 'pglite') {
    ({ test, handle } = await openPgliteTestDatabase());
  } else {
    test = await createTestDatabase(kind);
    handle = await connectDatabase({ url: test.url });
  }
  return {
    handle,
    test,
    async close() {
      await handle.close();
      await test.drop();
    },
  };
}

/** A copy of the migrated PGlite template in a scratch directory, opened; `drop` removes the directory. */
async function openPgliteTestDatabase(): Promise<{ test: TestDatabase; handle: DatabaseHandle }> {
  const dataDir = scratchDir('kefu-test-');
  const test = { url: '', dataDir, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  return { test, handle: await openPgliteCopy(pgliteDirUnder(dataDir)) };
}

export async function createTestDatabase(kind: DatabaseKind): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const { test, handle } = await openPgliteTestDatabase();
    await handle.close();
    return test;
  }
  const dataDir = scratchDir('kefu-test-');
  const name = `kefu_test_${randomBytes(6).toString('hex')}`;
  await createMigratedPostgres(POSTGRES_ADMIN_URL, name);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.href,
    dataDir,
    async drop() {
      const c = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      await c.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
