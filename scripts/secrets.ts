/**
 * `npm run secrets -- rotate`: re-wraps the data keys of every channel account added in the
 * console, and of the model API keys saved there (sealing any still in plain text), with
 * SECRETS_KEY, opening those sealed by the old key with SECRETS_KEY_PREVIOUS
 * (docs/security.md, "Rotating SECRETS_KEY"). The secrets' own ciphertext is not touched. Safe to
 * run again: rows already under SECRETS_KEY are left alone. Uses DATABASE_URL, or the embedded
 * PGlite under DATA_DIR (stop the service first: only one process may open it).
 */
import { rotateSecretsKey } from '../src/channel-accounts/stored-accounts.ts';
import { loadConfig } from '../src/config/env.ts';
import { connectDatabase, pgliteDirUnder } from '../src/db/connect.ts';
import { applyMigrations } from '../src/db/migrate.ts';
import { AppError } from '../src/errors.ts';
import { rotateApiKeys } from '../src/settings/model-api-key.ts';

const USAGE = 'usage: SECRETS_KEY=<new> SECRETS_KEY_PREVIOUS=<old> npm run secrets -- rotate';

const command = process.argv[2];
if (command !== 'rotate') {
  console.error(command ? `secrets: unknown command "${command}"\n${USAGE}` : USAGE);
  process.exit(2);
}
let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (err) {
  console.error(`secrets rotate: ${(err as Error).message}`);
  process.exit(1);
}
const keyring = config.secretsKeyring;
if (!keyring) {
  console.error(`secrets rotate: SECRETS_KEY is not set\n${USAGE}`);
  process.exit(1);
}
const database = await connectDatabase({ url: config.env.DATABASE_URL, pgliteDir: pgliteDirUnder(config.env.DATA_DIR) });
try {
  await applyMigrations(database);
  const { rewrapped, current } = await rotateSecretsKey(database.db, keyring);
  console.log(`secrets rotate: ${rewrapped} account(s) re-wrapped with key ${keyring.current.id}, ${current} already were`);
  const models = await rotateApiKeys(database.db, keyring);
  console.log(`secrets rotate: ${models.rewrapped} model API key(s) re-wrapped, ${models.sealed} sealed that were in plain text`);
} catch (err) {
  if (!(err instanceof AppError)) throw err;
  console.error(`secrets rotate: ${err.message}`);
  process.exitCode = 1;
} finally {
  await database.close();
}
