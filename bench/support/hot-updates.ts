import pg from 'pg';
import { eventually } from '../../test/support/wecom-service.ts';

export interface TableUpdates {
  updates: number;
  /** Heap-only tuple updates: the new row version went on the same page and no index was written. */
  hot: number;
  /** Sizes at the end of the run, in 8 kB pages: room left on each page for HOT updates (fillfactor) makes the heap larger. */
  heapPages: number;
  indexPages: number;
}

/**
 * How many of a run's updates of each table were HOT, from pg_stat_user_tables of the run's
 * database. A backend hands its counts to the statistics only at the end of a transaction when a
 * second has passed, when idle for a while, or when it exits: read once the roles are stopped and
 * their backends gone. An update is HOT only when no column any index names (key, INCLUDE,
 * expression or predicate) changes and the new version fits on the old one's page:
 * https://www.postgresql.org/docs/15/storage-hot.html
 */
export async function hotUpdatesOf(databaseUrl: string, tables: string[]): Promise<Record<string, TableUpdates>> {
  const database = new URL(databaseUrl).pathname.slice(1);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    // Counts a backend has not handed in yet would be missing, and the table wrong without a word.
    await eventually(
      async () => {
        const others = await client.query(
          'select count(*)::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
          [database],
        );
        return others.rows[0].n === 0;
      },
      10_000,
      `the backends of ${database} to disconnect, without which the update counts would be incomplete`,
      100,
    );
    const { rows } = await client.query<{ relname: string } & TableUpdates>(
      `select relname, n_tup_upd::int as updates, n_tup_hot_upd::int as hot,
              (pg_relation_size(relid) / 8192)::int as "heapPages", (pg_indexes_size(relid) / 8192)::int as "indexPages"
       from pg_stat_user_tables where relname = any($1)`,
      [tables],
    );
    return Object.fromEntries(rows.map(({ relname, ...updates }) => [relname, updates]));
  } finally {
    await client.end();
  }
}

/**
 * The server's WAL position in bytes: what a run writes between two readings, index entries
 * included, counts far less noisily than CPU on a shared machine. The whole server's: other runs
 * on it count too.
 */
export async function walBytes(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ at: string }>(`select pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text as at`);
    return Number(rows[0]!.at);
  } finally {
    await client.end();
  }
}
