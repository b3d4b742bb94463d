/**
 * Segments at marketing scale (issue 16: a three-condition segment over 1,000,000 customers and
 * 10,000,000 tag assignments counts in under 300 ms on PostgreSQL). Seeds PostgreSQL in set-based
 * statements (customers over four channels, last contact spread over 90 days, 200 tags, ten per
 * customer), then times count and preview of segments of one to three conditions. With --explain,
 * the plan of the three-condition count.
 *   node --import tsx bench/segments.bench.ts [--customers 1000000] [--per-customer 10] [--runs 20] [--explain]
 */
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { segmentCondition, type SegmentFilter } from '../src/audience/segment-filter.ts';
import { countSegment, segmentMembers } from '../src/audience/segments.ts';
import { connectDatabase } from '../src/db/connect.ts';
import { applyMigrations } from '../src/db/migrate.ts';
import { createTestDatabase } from '../test/support/databases.ts';
import { table } from './support/environment.ts';
import { latency } from './support/latency.ts';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '1000000' },
    'per-customer': { type: 'string', default: '10' },
    runs: { type: 'string', default: '20' },
    explain: { type: 'boolean', default: false },
  },
});
const customerCount = Number(values.customers);
const perCustomer = Number(values['per-customer']);
const runs = Number(values.runs);
const TAGS = 200;

const database = await createTestDatabase('postgres');
const handle = await connectDatabase({ url: database.url, poolSize: 2 });
const { db } = handle;
const results: Array<{ segment: string; matches: number; countP50: number; countP95: number; previewP95: number }> = [];
try {
  await applyMigrations(handle);
  const seeded = performance.now();
  await seed();
  const assignments = Number(
    ((await db.execute(sql`select count(*)::int as n from customer_tags`)) as unknown as { rows: Array<{ n: number }> }).rows[0]!.n,
  );
  console.log(
    `seeded ${customerCount.toLocaleString('en')} customers and ${assignments.toLocaleString('en')} tag assignments in ${((performance.now() - seeded) / 1000).toFixed(0)} s`,
  );
  const [first] = ((await db.execute(sql`select min(id)::int as id from tags`)) as unknown as { rows: Array<{ id: number }> }).rows;
  const tag = (n: number) => first!.id + n;
  const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString();
  const cases: Array<[string, SegmentFilter]> = [
    ['one tag', { tags: { any: [tag(1)] } }],
    [
      'any of two tags, 微信客服, contact in 30 days',
      { tags: { any: [tag(1), tag(2)] }, channels: ['wecom-kf'], lastContact: { from: monthAgo } },
    ],
    ['all of two tags, none of a third, Official Account', { tags: { all: [tag(3), tag(16)], none: [tag(5)] }, channels: ['wechat-mp'] }],
    ['a tag, reachable now', { tags: { any: [tag(6)] }, reachableNow: true }],
  ];
  const rows: Array<Array<string | number>> = [];
  for (const [label, filter] of cases) {
    const matches = await countSegment(db, filter);
    const count = await latency(() => countSegment(db, filter), runs);
    const preview = await latency(() => segmentMembers(db, filter, { limit: 20 }), runs);
    results.push({ segment: label, matches, countP50: count.p50, countP95: count.p95, previewP95: preview.p95 });
    rows.push([label, matches, count.p50, count.p95, preview.p95]);
  }
  console.log(`\n### Segments over ${customerCount.toLocaleString('en')} customers (${runs} runs each, PostgreSQL)\n`);
  console.log(table(['segment', 'customers', 'count p50 ms', 'count p95 ms', 'preview p95 ms'], rows));
  if (values.explain) {
    const plan = (await db.execute(sql`explain (analyze, costs off)
      select count(*) from customers cu join channel_accounts a on a.id = cu.channel_account_id where ${segmentCondition(cases[1]![1])}`)) as unknown as {
      rows: Array<Record<string, string>>;
    };
    console.log(`\n### Plan of "${cases[1]![0]}"\n\n\`\`\`\n${plan.rows.map((r) => Object.values(r)[0]).join('\n')}\n\`\`\``);
  }
} finally {
  await handle.close();
  await database.drop();
}
console.log(`BENCH_RESULT ${JSON.stringify({ bench: 'segments', customers: customerCount, results })}`);

/** Set-based seeding; the (tag, customer) index is built after the rows, as a bulk load would. */
async function seed(): Promise<void> {
  await db.execute(
    sql`insert into channel_accounts (channel, name) values ('wecom', 'default'), ('wechat-mp', 'default'), ('wecom-kf', 'default'), ('web', 'default')`,
  );
  await db.execute(sql`insert into tag_groups (name) values ('bench')`);
  await db.execute(
    sql`insert into tags (group_id, name) select g.id, 'tag' || i from tag_groups g, generate_series(1, ${TAGS}) i where g.name = 'bench'`,
  );
  await db.execute(sql`
    insert into customers (channel_account_id, external_id, created_at, last_seen_at)
    select a.id, 'c' || i, now() - make_interval(days => 90 + i % 365), now() - make_interval(days => i % 90, mins => i % 1440)
    from generate_series(1, ${customerCount}) i
    join (select id, row_number() over (order by id) - 1 as k from channel_accounts) a on a.k = i % 4`);
  await db.execute(sql`drop index customer_tags_tag_customer`);
  await db.execute(sql`alter table customer_tags drop constraint customer_tags_customer_id_tag_id_pk`);
  // Ten distinct tags per customer: consecutive steps of a stride coprime with 200 never repeat within ten.
  await db.execute(sql`
    insert into customer_tags (customer_id, tag_id, source)
    select c.id, t0.id + ((c.id * 37 + j * 13) % ${TAGS}), 'rule'
    from customers c, generate_series(0, ${perCustomer - 1}) j, (select min(id) as id from tags) t0`);
  await db.execute(sql`alter table customer_tags add constraint customer_tags_customer_id_tag_id_pk primary key (customer_id, tag_id)`);
  await db.execute(sql`create index customer_tags_tag_customer on customer_tags (tag_id, customer_id)`);
  // As autovacuum leaves a table after a bulk insert (autovacuum_vacuum_insert_threshold,
  // https://www.postgresql.org/docs/current/runtime-config-autovacuum.html): statistics, and the
  // visibility map that lets a count read the (tag, customer) index without visiting the table.
  await db.execute(sql`vacuum (analyze)`);
}
