import test from 'ava';
import pg from 'pg';
import { conversationStatesStatement } from '../../src/conversations/announce-conversations.ts';
import { markSendingStatement } from '../../src/conversations/deliveries.ts';
import { startTurnsStatement } from '../../src/conversations/load-turn.ts';
import { recordInboundBatch, recordInboundStatement } from '../../src/conversations/record-inbound.ts';
import { connectDatabase } from '../../src/db/connect.ts';
import type { PreparedStatement } from '../../src/db/prepared-statement.ts';
import { createTestDatabase } from '../support/databases.ts';
import { inboundTextBatches } from '../support/inbound-batches.ts';

/**
 * The named hot statements are prepared: PostgreSQL plans each once per connection and keeps that
 * generic plan (made without the parameters' values) until a table's statistics change. The plan
 * must look rows up by index however large the tables are — on a new database (tables as the
 * migrations leave them: empty, never analyzed) and on an old one (20,000 customers with a tag
 * each, conversations, messages and deliveries, analyzed) — or a plan made while a table was small would scan it whole on every
 * call once it is large. PREPARE + plan_cache_mode = force_generic_plan + EXPLAIN EXECUTE shows
 * the generic plan (PostgreSQL 15 has no EXPLAIN (GENERIC_PLAN)).
 */
/** The named ones: the statements planned at each call (save-reply.ts, markSent) have no kept plan. */
const namedStatements: PreparedStatement[] = [
  recordInboundStatement,
  startTurnsStatement,
  markSendingStatement,
  conversationStatesStatement,
];
const growingTables = /Seq Scan on (messages|conversations|customers|deliveries|customer_tags)\b/;

async function genericPlans(url: string): Promise<Map<string, string>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('set plan_cache_mode = force_generic_plan');
    const plans = new Map<string, string>();
    for (const statement of namedStatements) {
      await client.query(`prepare ${statement.name!} as ${statement.text}`);
      const parameters = (statement.text.match(/\$\d+/g) ?? []).reduce((most, p) => Math.max(most, Number(p.slice(1))), 0);
      const nulls = Array.from({ length: parameters }, () => 'null').join(', ');
      const result = await client.query<{ 'QUERY PLAN': string }>(`explain execute ${statement.name}(${nulls})`);
      plans.set(statement.name!, result.rows.map((row) => row['QUERY PLAN']).join('\n'));
    }
    return plans;
  } finally {
    await client.end();
  }
}

function assertIndexPlans(t: import('ava').ExecutionContext, plans: Map<string, string>): void {
  for (const [name, plan] of plans) {
    t.notRegex(plan, growingTables, `${name} scans a table`);
    t.regex(plan, /Index (Only )?Scan|Bitmap Index Scan|Conflict Arbiter/, `${name} looks nothing up by index`);
  }
}

test('every named hot statement looks rows up by index in its generic plan, on new tables and on old, analyzed ones', async (t) => {
  const database = await createTestDatabase('postgres');
  t.teardown(() => database.drop());
  assertIndexPlans(t, await genericPlans(database.url));

  const handle = await connectDatabase({ url: database.url, poolSize: 1 });
  try {
    const { rows } = (await handle.execute(`insert into channel_accounts (channel, name) values ('wecom', 'plans') returning id`)) as {
      rows: Array<{ id: number }>;
    };
    const batch = inboundTextBatches(rows[0]!.id, 'plans');
    for (let i = 0; i < 80; i++) await recordInboundBatch(handle.db, batch(250));
    await handle.execute(`
      insert into deliveries (message_id, conversation_id, part, body, status) select id, conversation_id, 0, text, 'sent' from messages;
      insert into tag_groups (name) values ('plans');
      insert into tags (group_id, name) select g.id, 'tag ' || n from tag_groups g, generate_series(1, 50) n;
      insert into customer_tags (customer_id, tag_id, source) select c.id, t.id, 'rule' from customers c join tags t on t.id % 50 = c.id % 50;
      analyze`);
  } finally {
    await handle.close();
  }
  assertIndexPlans(t, await genericPlans(database.url));
});
