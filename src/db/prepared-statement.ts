import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { Database } from './connect.ts';

/**
 * A hot-path statement, its rows passed as typed arrays (`unnest($1::bigint[], $2::text[])`), never
 * as one jsonb document whose row count PostgreSQL can only guess.
 *
 * With a `name`, PostgreSQL parses and plans it once per connection and keeps that generic plan
 * (made without the parameters' values) until a table's statistics change: planning was most of a
 * small batch statement's cost (docs/performance.md). That is safe only for a statement whose
 * every plan looks rows up by key whatever the table sizes, since a plan made while a table was
 * new and small would otherwise scan it on every call once it is large. Written so:
 * - inserts and upserts, found by their conflict index;
 * - reads per row: a lateral subquery with a limit, or a scalar subquery, is a probe of an index
 *   for each row (joined instead, the planner may hash a scan of the table);
 * - an update joined on `t.id = any(array[k.id])`: a condition that cannot be hashed, so the
 *   planner probes the key for each row.
 * test/db/batch-statement-plans.test.ts checks each named statement's generic plan on new tables
 * and on large, analyzed ones. A statement whose update PostgreSQL still plans as a scan of a new
 * table (messages filtered by status: the planner thinks one row of a small table matches) has no
 * name, and is planned at each call with its real row count and the tables' current size.
 */
export interface PreparedStatement {
  /** Unique per statement text: node-postgres prepares it under this name on each connection. */
  name?: string;
  text: string;
}

/**
 * Runs a hot-path statement outside any transaction and returns its rows. Drizzle's `execute`
 * sends every statement unnamed and has no way to name one, so these few go to the driver
 * underneath: node-postgres prepares a named one on each pooled connection; PGlite (one
 * connection in this process, the embedded default) runs the same text with the same values,
 * unnamed, as Drizzle would. Outputs name their columns (no `*`): a named statement whose result
 * columns change under it (a migration while the process runs) fails.
 */
export async function runPrepared<T>(db: Database, statement: PreparedStatement, values: unknown[]): Promise<T[]> {
  const client = (db as unknown as { $client: pg.Pool | PGlite }).$client;
  try {
    if (client instanceof pg.Pool) return (await client.query({ ...statement, values })).rows as T[];
    return (await client.query<T>(statement.text, values)).rows;
  } catch (err) {
    throw new StatementError(statement, err);
  }
}

/**
 * A hot-path statement that failed, as Drizzle reports its own (`query` beside the driver's error
 * as `cause`), so a log says which statement it was. Never the values: they are customer text.
 */
export class StatementError extends Error {
  readonly query: string;

  constructor(statement: PreparedStatement, cause: unknown) {
    super(`statement ${statement.name ?? '(unnamed)'} failed`, { cause });
    this.name = 'StatementError';
    this.query = statement.text.replace(/\s+/g, ' ').trim();
  }
}
