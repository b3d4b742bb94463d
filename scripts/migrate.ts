/** `npm run migrate`: applies migrations to DATABASE_URL (or the embedded PGlite under DATA_DIR) and exits. */
import { loadConfig } from '../src/config/env.ts';
import { connectDatabase, pgliteDirUnder } from '../src/db/connect.ts';
import { applyMigrations } from '../src/db/migrate.ts';

const { env } = loadConfig();
const database = await connectDatabase({ url: env.DATABASE_URL, pgliteDir: pgliteDirUnder(env.DATA_DIR) });
try {
  await applyMigrations(database);
  console.log(`migrations applied (${database.kind})`);
} finally {
  await database.close();
}
