import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import pg from 'pg';
import { UnavailableError } from '../errors.ts';
import * as schema from './schema.ts';

/** The one database type the code uses: node-postgres and PGlite both satisfy it. */
export type Database = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DatabaseHandle {
  db: Database;
  kind: 'postgres' | 'pglite';
  /** Runs plain SQL; used by migrations and health checks. */
  execute(sql: string): Promise<unknown>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres:// URL; unset = PGlite. */
  url?: string;
  /** PGlite data directory, or 'memory://' for a throwaway database. */
  pgliteDir?: string;
  poolSize?: number;
}

export async function connectDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.url) {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 20 });
    // An idle client that loses its server emits 'error' on the pool; without a listener that kills the process.
    pool.on('error', () => {});
    return {
      db: drizzlePg(pool, { schema }) as unknown as Database,
      kind: 'postgres',
      execute: (sql) => pool.query(sql),
      close: () => pool.end(),
    };
  }
  const dir = options.pgliteDir ?? 'memory://';
  const release = dir.startsWith('memory://') ? () => {} : claimPgliteDir(resolve(dir));
  const client = await PGlite.create(dir).catch((err) => {
    release();
    throw err;
  });
  return {
    db: drizzlePglite(client, { schema }) as unknown as Database,
    kind: 'pglite',
    execute: (sql) => client.exec(sql),
    close: async () => {
      await client.close();
      release();
    },
  };
}

/**
 * PGlite is a database inside one process, and it does not stop a second process from opening
 * the same directory (which corrupts it). A pid file does: a live owner makes the second open
 * fail with a message saying what to do; a stale one (the owner was killed) is taken over.
 */
function claimPgliteDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true });
  const pidFile = join(dir, 'kefu-owner.pid');
  let owner = Number.NaN;
  try {
    owner = Number(readFileSync(pidFile, 'utf8').trim());
  } catch {
    // no owner
  }
  if (Number.isInteger(owner) && owner !== process.pid && processIsAlive(owner)) {
    throw new UnavailableError(
      `the embedded database in ${dir} is open in process ${owner} (a running kefu-hub, or another command). PGlite serves one process only: stop that process first, or use PostgreSQL (DATABASE_URL) to run commands beside the service. If no such process exists, delete ${pidFile}.`,
    );
  }
  writeFileSync(pidFile, String(process.pid));
  return () => {
    try {
      if (readFileSync(pidFile, 'utf8').trim() === String(process.pid)) rmSync(pidFile);
    } catch {
      // already gone
    }
  };
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function pgliteDirUnder(dataDir: string): string {
  return join(dataDir, 'pglite');
}
