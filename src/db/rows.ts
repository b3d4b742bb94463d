import { type SQL, sql } from 'drizzle-orm';
import type { Executor } from './transaction.ts';

/**
 * Runs one SQL statement and returns its rows. For the hot paths written as a single statement
 * (one round trip instead of a transaction of several); node-postgres and PGlite both return
 * `{ rows }`, inside a transaction too.
 */
export async function queryRows<T>(db: Executor, statement: SQL): Promise<T[]> {
  const result = (await db.execute(statement)) as unknown as { rows: T[] };
  return result.rows;
}

/**
 * A timestamptz column as whole epoch milliseconds, named "storedAt": the message's storage time in
 * job ids. Floored, like the JavaScript Date the drivers make of the same column. As SQL text, for
 * prepared statements (src/db/prepared-statement.ts); `storedAtMs` for Drizzle's `sql`.
 */
export const storedAtMsText = (column: string) => `floor(extract(epoch from ${column}) * 1000)::float8 as "storedAt"`;
export const storedAtMs = (column: string) => sql.raw(storedAtMsText(column));
