/**
 * The dashboard at 1,000,000 messages (issue 15: the page's API under 300 ms): GET /api/dashboard's
 * figures for 7 and 30 days, and 未知问题's grouping, on PostgreSQL seeded in a few set-based
 * statements (test/support/dashboard-seed.ts). With --explain, the plans of what a view runs.
 *   node --import tsx bench/dashboard.bench.ts [--messages 1000000] [--runs 20] [--explain]
 */
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { createRetrievalContext, loadRetrievalSettings } from '../src/brain/load-offline-brain.ts';
import { connectDatabase } from '../src/db/connect.ts';
import { applyMigrations } from '../src/db/migrate.ts';
import { dashboardFigures } from '../src/insights/dashboard-figures.ts';
import { listUnansweredGroups } from '../src/insights/list-unanswered-groups.ts';
import { createTestDatabase } from '../test/support/databases.ts';
import { table } from './support/environment.ts';
import { latency } from './support/latency.ts';
import { seedDashboardTraffic } from '../test/support/dashboard-seed.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '20' },
    explain: { type: 'boolean', default: false },
  },
});
const count = Number(values.messages);
const runs = Number(values.runs);

const database = await createTestDatabase('postgres');
// The service's default pool (20): the dashboard's statements run side by side on it.
const handle = await connectDatabase({ url: database.url, poolSize: 20 });
const results: Array<{ query: string; p50: number; p95: number }> = [];
let firstViewMs = 0;
try {
  await applyMigrations(handle);
  const seedStarted = performance.now();
  await seedDashboardTraffic(handle.db, count);
  // As autovacuum leaves a table in steady state: statistics, and the visibility map index-only scans need.
  await handle.db.execute(sql`vacuum analyze`);
  console.log(`seeded ${count.toLocaleString('en')} messages in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
  const configDir = 'config/brain';
  const { analyzer } = await createRetrievalContext(configDir, await loadRetrievalSettings(configDir));
  const analyze = (text: string) => analyzer.analyze(text);
  const figures = (days: number) => () => dashboardFigures(handle.db, { days, timeZone: 'Asia/Shanghai', pricePer1kTokens: 0.02 });
  const unanswered = () => listUnansweredGroups(handle.db, analyze, 10);
  const page = (days: number) => () => Promise.all([figures(days)(), unanswered()]);
  // The first view counts every day of the period; the closed ones are kept (dashboard_days), and today's quarters (dashboard_quarters).
  const firstStarted = performance.now();
  await figures(30)();
  firstViewMs = Number((performance.now() - firstStarted).toFixed(0));
  console.log(`first view of 30 days (counts them all, keeps the closed ones): ${firstViewMs} ms`);
  const cases: Array<[string, () => Promise<unknown>]> = [
    ['GET /api/dashboard?days=7 (the page)', page(7)],
    ['GET /api/dashboard?days=30 (the page)', page(30)],
    ['figures, 30 days (closed days and quarters kept, the last minutes counted)', figures(30)],
    ['未知问题: 3,000 newest turns grouped', unanswered],
  ];

  const rows: Array<Array<string | number>> = [];
  for (const [query, run] of cases) {
    const { p50, p95 } = await latency(run, runs);
    results.push({ query, p50, p95 });
    rows.push([query, p50, p95]);
  }
  // The machine's load is part of the figure: the benches run on shared machines.
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(', ');
  console.log(
    `\n### Dashboard at ${count.toLocaleString('en')} messages (${runs} runs each, PostgreSQL, pool of 20; ${cpus().length} cores, load ${load})\n`,
  );
  console.log(table(['query', 'p50 ms', 'p95 ms'], rows));
  if (values.explain) await explain();
} finally {
  await handle.close();
  await database.drop();
}
console.log(`BENCH_RESULT ${JSON.stringify({ bench: 'dashboard', messages: count, firstViewMs, results })}`);

/** The plans of what a view runs once the closed days and quarters are kept: the live tail and the month's 👎. */
async function explain() {
  const tail = sql`now() - interval '45 minutes'`;
  for (const [label, query] of [
    [
      'messages of the last 45 minutes, per quarter and account',
      sql`select date_bin('15 minutes', created_at, timestamptz '2000-01-01 00:00:00+00'), channel_account_id, count(*) from messages where created_at >= ${tail} group by 1, 2`,
    ],
    [
      'bot reply timings of the last 45 minutes',
      sql`select count(*), sum(extract(epoch from r.created_at - q.created_at)) from messages r join messages q on q.id = r.reply_to_id where r.sender = 'bot' and r.created_at >= ${tail}`,
    ],
    [
      '👎 on answers of the last 30 days, per day',
      sql`select (answer_created_at at time zone 'Asia/Shanghai')::date, count(*) from answer_feedback where rating = 'down' and answered and answer_created_at >= now() - interval '30 days' group by 1`,
    ],
  ] as const) {
    const result = (await handle.db.execute(sql`explain (analyze, costs off) ${query}`)) as unknown as {
      rows: Array<Record<string, string>>;
    };
    console.log(`\n-- ${label}\n${result.rows.map((r) => Object.values(r)[0]).join('\n')}`);
  }
}
