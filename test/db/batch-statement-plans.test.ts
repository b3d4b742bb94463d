import test from 'ava';
import { sql } from 'drizzle-orm';
import type pg from 'pg';
import { recordInboundBatch } from '../../src/conversations/record-inbound.ts';
import { connectDatabase } from '../../src/db/connect.ts';
import { applyMigrations } from '../../src/db/migrate.ts';
import { queryRows } from '../../src/db/rows.ts';
import { createTestDatabase } from '../support/databases.ts';
import { inboundTextBatches } from '../support/inbound-batches.ts';

/**
 * The intake's batch statement must find existing customers, conversations and messages by index
 * lookups, not by scanning the tables: a scan costs more with every message ever stored. PostgreSQL
 * guessed 100 rows for the jsonb batch and, on a table a few thousand rows old, planned hash joins
 * over sequential scans. auto_explain sends the plan of every statement to the client as a notice.
 */
test('the intake statement looks rows up by index in a table of 20,000 messages', async (t) => {
  const database = await createTestDatabase('postgres');
  const setup = await connectDatabase({ url: database.url, poolSize: 1 });
  t.teardown(() => database.drop());
  await applyMigrations(setup);
  const databaseName = new URL(database.url).pathname.slice(1);
  await setup.execute(`load 'auto_explain'`);
  await setup.execute(
    `alter database "${databaseName}" set session_preload_libraries = 'auto_explain';
     alter database "${databaseName}" set auto_explain.log_min_duration = 0;
     alter database "${databaseName}" set auto_explain.log_level = 'notice'`,
  );
  const [account] = await queryRows<{ id: number }>(
    setup.db,
    sql`insert into channel_accounts (channel, name) values ('wecom', 'plans') returning id`,
  );
  await setup.close();

  const handle = await connectDatabase({ url: database.url, poolSize: 1 });
  t.teardown(() => handle.close());
  const plans: string[] = [];
  (handle.db as unknown as { $client: pg.Pool }).$client.on('connect', (client) =>
    client.on('notice', (notice) => plans.push(notice.message ?? '')),
  );

  const batch = inboundTextBatches(account!.id, 'plans', 5000);
  for (let i = 0; i < 80; i++) await recordInboundBatch(handle.db, batch(250));

  plans.length = 0;
  const stored = await recordInboundBatch(handle.db, batch(16));
  t.is(stored.filter((r) => !r.duplicate).length, 16);
  const plan = plans.join('\n');
  t.regex(plan, /Index Scan using messages_account_dedupe/, 'retries are found by the unique index');
  t.notRegex(plan, /Seq Scan on (messages|conversations|customers)\b/);
});
