import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
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
  /** Told about connections lost outside a query (the server went away); the pool replaces them. */
  onConnectionError?: (err: Error) => void;
}

export async function connectDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.url) {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 20 });
    // A client that loses its server between queries emits 'error' — on the pool while it is idle,
    // on the client itself while it is checked out (inside a transaction, between statements).
    // Unheard, either kills the process: a database outage would take every api and worker down
    // with it (found by test/faults/postgres-outage.fault.ts). The statement in flight still
    // rejects, the callback gets its 503, and the pool discards the broken client on release.
    const lost = (err: Error) => options.onConnectionError?.(err);
    pool.on('error', lost);
    pool.on('connect', (client) => {
      client.on('error', lost);
      releaseWhenBeginFails(client);
    });
    return {
      db: drizzlePg(pool, { schema }) as unknown as Database,
      kind: 'postgres',
      execute: (sql) => pool.query(sql),
      close: () => pool.end(),
    };
  }
  const dir = options.pgliteDir ?? 'memory://';
  const release = dir.startsWith('memory://') ? () => {} : claimPgliteDir(resolve(dir));
  // pg_trgm serves conversation search; PostgreSQL ships it, PGlite loads it as an extension.
  const client = await PGlite.create(dir, { extensions: { pg_trgm } }).catch((err) => {
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
 * Runs `fn` while holding a PostgreSQL session advisory lock on `key`: one process at a time across
 * every process sharing the database. The lock lives on a connection of its own, so `fn` may use
 * the pool freely, and it is released when `fn` ends or when this process dies (its connection
 * closes). PGlite serves one process only: nothing to exclude there.
 */
export async function whileHoldingLock<T>(db: Database, key: number, fn: () => Promise<T>): Promise<T> {
  const pool = (db as { $client?: unknown }).$client;
  if (!(pool instanceof pg.Pool)) return fn();
  const client = await pool.connect();
  let connectionError: Error | undefined;
  const onLockConnection = <R>(query: Promise<R>) =>
    query.catch((err: Error) => {
      connectionError = err;
      throw err;
    });
  try {
    await onLockConnection(client.query('select pg_advisory_lock($1)', [key]));
    try {
      return await fn();
    } finally {
      // Fails only with the connection, which takes the lock with it: fn's outcome stands.
      await onLockConnection(client.query('select pg_advisory_unlock($1)', [key])).catch(() => {});
    }
  } finally {
    client.release(connectionError); // a broken connection is discarded, not pooled
  }
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

const isBegin = (q: unknown) => /^\s*begin\b/i.test(typeof q === 'string' ? q : ((q as { text?: string } | null)?.text ?? ''));

/**
 * drizzle-orm (0.45.4, node-postgres session) sends a transaction's `begin` before its
 * try/finally: when `begin` fails — the connection died, as in a database outage — the pooled
 * client is never released. After pool-size such failures every later query waits forever for a
 * client; the process stays up and never recovers (found by test/faults/postgres-outage.fault.ts).
 * A failed `begin` is the one case where drizzle does not release, so the client releases itself
 * then, with the error, and the pool discards it.
 */
function releaseWhenBeginFails(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const result = query(...args);
    if (isBegin(args[0]) && result instanceof Promise) {
      result.catch((err: Error) => client.release(err));
    }
    return result;
  };
}
