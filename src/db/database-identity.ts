import { databaseIdentity } from './schema.ts';
import type { Database } from './connect.ts';

/** The random id the migrations gave this database (table database_identity, one row). */
export async function databaseId(db: Database): Promise<string> {
  const [row] = await db.select({ id: databaseIdentity.id }).from(databaseIdentity).limit(1);
  if (!row) throw new Error('database_identity is empty: the migrations were not applied');
  return row.id;
}

/**
 * The prefix of every Redis key, queue and channel of this deployment: REDIS_PREFIX and the
 * database's id. Redis state belongs to one database: with the prefix alone, a fresh DATA_DIR
 * against the same Redis ran the old database's jobs ("conversation 62 does not exist") and
 * `npm run kb` announced changes to services of other databases.
 */
export async function redisPrefixFor(db: Database, redisPrefix: string): Promise<string> {
  return `${redisPrefix}:${await databaseId(db)}`;
}
