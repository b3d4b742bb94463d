import { type SQL, sql } from 'drizzle-orm';
import type { Database } from './connect.ts';

/**
 * Runs one SQL statement and returns its rows. For the hot paths written as a single statement
 * (one round trip instead of a transaction of several); node-postgres and PGlite both return
 * `{ rows }`.
 */
export async function queryRows<T>(db: Database, statement: SQL): Promise<T[]> {
  const result = (await db.execute(statement)) as unknown as { rows: T[] };
  return result.rows;
}

/**
 * A timestamptz column as whole epoch milliseconds, named "storedAt": the message's storage time in
 * job ids. Floored, like the JavaScript Date the drivers make of the same column.
 */
export const storedAtMs = (column: string) => sql.raw(`floor(extract(epoch from ${column}) * 1000)::float8 as "storedAt"`);
