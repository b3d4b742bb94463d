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
 * job ids. Floored, like the JavaScript Date the drivers make of the same column.
 */
export const storedAtMs = (column: string) => sql.raw(`floor(extract(epoch from ${column}) * 1000)::float8 as "storedAt"`);

/**
 * `select` of a batch of rows sent as ONE jsonb parameter, for the statements that write many rows
 * in one round trip. PostgreSQL guesses 100 rows for any jsonb_to_recordset; the `limit` tells it
 * the real count. With the guess, joins against a young table (thousands of rows, the statistics
 * lagging behind) were planned as hash joins over sequential scans of messages, conversations and
 * deliveries — a cost per statement that grows with the table (measured: the intake's
 * PostgreSQL CPU per callback fell by a third; docs/performance.md).
 * `columns` is the record definition, e.g. `id bigint, body text` (code, never input).
 */
export function jsonRecords(rows: object[], columns: string): SQL {
  return sql`select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as t(${sql.raw(columns)}) limit ${sql.raw(String(rows.length))}`;
}
