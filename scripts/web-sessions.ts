/**
 * `npm run web-sessions -- revoke --account <widget account> (--user <company user id> | --visitor <visitor id>)`
 * Ends every widget session a customer holds now, renewals included (docs/security.md): for a
 * company that deletes or blocks a user, or a visitor whose token leaked. Takes effect on the next
 * request of every API process, since the mark is in the database.
 * Uses the service's configuration (DATABASE_URL or DATA_DIR). With the embedded PGlite (no
 * DATABASE_URL) the service must be stopped first: it owns the database.
 */
import { parseArgs } from 'node:util';
import { signedInVisitorId } from '../src/channels/web/session-token.ts';
import { loadConfig } from '../src/config/env.ts';
import { findChannelAccountId } from '../src/conversations/channel-accounts.ts';
import { revokeVisitorSessions } from '../src/customers/session-revocations.ts';
import { connectDatabase, pgliteDirUnder } from '../src/db/connect.ts';
import { applyMigrations } from '../src/db/migrate.ts';

const USAGE = 'usage: npm run web-sessions -- revoke --account <widget account> (--user <company user id> | --visitor <visitor id>)';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    account: { type: 'string', default: 'default' },
    user: { type: 'string' },
    visitor: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
const [command] = positionals;
if (values.help || command !== 'revoke' || (values.user === undefined) === (values.visitor === undefined)) {
  console.error(USAGE);
  process.exit(values.help ? 0 : 2);
}
// A signed-in customer's visitor id is derived from the company's user id, as the session route does.
const visitorId = values.user !== undefined ? signedInVisitorId(values.user) : values.visitor!;

const { env } = loadConfig();
let database: Awaited<ReturnType<typeof connectDatabase>>;
try {
  database = await connectDatabase({ url: env.DATABASE_URL, pgliteDir: pgliteDirUnder(env.DATA_DIR) });
} catch (err) {
  console.error(`web-sessions: cannot open the database: ${(err as Error).message}`);
  process.exit(1);
}
let ok = false;
try {
  await applyMigrations(database);
  const channelAccountId = await findChannelAccountId(database.db, 'web', values.account);
  if (channelAccountId === undefined) {
    console.error(`web-sessions: no widget account "${values.account}" has served anyone in this database`);
  } else {
    await revokeVisitorSessions(database.db, { channelAccountId, externalId: visitorId });
    console.log(`revoked every session of ${visitorId} on widget account "${values.account}"`);
    ok = true;
  }
} finally {
  await database.close();
}
process.exit(ok ? 0 : 1);
