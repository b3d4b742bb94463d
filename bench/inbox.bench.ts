/**
 * The agent inbox at 100,000 conversations (issue 13: p95 < 50 ms): each view for an agent and a
 * supervisor, first page and a deep page (by cursor), the badge counts and search, on PostgreSQL
 * seeded in a few set-based statements (bench/support/inbox-seed.ts). With --explain, the plan of
 * each query as well (docs/performance.md names the index serving each view).
 *   node --import tsx bench/inbox.bench.ts [--conversations 100000] [--runs 200] [--explain]
 */
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { countInbox } from '../src/conversations/inbox-counts.ts';
import type { InboxFilter } from '../src/conversations/list-inbox.ts';
import { listInbox } from '../src/conversations/list-inbox.ts';
import { searchConversations } from '../src/conversations/search-conversations.ts';
import type { StaffActor } from '../src/conversations/staff-access.ts';
import { connectDatabase } from '../src/db/connect.ts';
import { applyMigrations } from '../src/db/migrate.ts';
import { createTestDatabase } from '../test/support/databases.ts';
import { table } from './support/environment.ts';
import { latency } from './support/latency.ts';
import { seedLargeInbox } from './support/inbox-seed.ts';

const { values } = parseArgs({
  options: {
    conversations: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '200' },
    explain: { type: 'boolean', default: false },
  },
});
const count = Number(values.conversations);
const runs = Number(values.runs);

const database = await createTestDatabase('postgres');
const handle = await connectDatabase({ url: database.url, poolSize: 2 });
const results: Array<{ query: string; p50: number; p95: number }> = [];
try {
  await applyMigrations(handle);
  const seedStarted = performance.now();
  const { agentIds, supervisorId } = await seedLargeInbox(handle.db, count, 20);
  console.log(`seeded ${count} conversations in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
  const agent: StaffActor = { userId: agentIds[0]!, role: 'agent' };
  const supervisor: StaffActor = { userId: supervisorId, role: 'supervisor' };

  /** The cursor after `pages` pages of 50: where a person who scrolled a long way asks next. */
  const deepCursor = async (actor: StaffActor, filter: Omit<InboxFilter, 'limit'>, pages: number) => {
    let cursor: string | undefined;
    for (let i = 0; i < pages; i++) {
      const page = await listInbox(handle.db, actor, { ...filter, limit: 50, ...(cursor && { cursor }) });
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    return cursor;
  };
  const page = (actor: StaffActor, filter: Omit<InboxFilter, 'limit'>) => () => listInbox(handle.db, actor, { ...filter, limit: 50 });
  const cases: Array<[string, () => Promise<unknown>]> = [
    ['agent: waiting, first page', page(agent, { view: 'waiting' })],
    ['agent: waiting, page 41', page(agent, { view: 'waiting', cursor: (await deepCursor(agent, { view: 'waiting' }, 40))! })],
    ['agent: mine', page(agent, { view: 'mine' })],
    ['agent: all, first page', page(agent, { view: 'all' })],
    ['agent: all, page 101 (past the waiting)', page(agent, { view: 'all', cursor: (await deepCursor(agent, { view: 'all' }, 100))! })],
    ['agent: resolved', page(agent, { view: 'resolved' })],
    ['supervisor: all, first page', page(supervisor, { view: 'all' })],
    ['supervisor: all, page 201', page(supervisor, { view: 'all', cursor: (await deepCursor(supervisor, { view: 'all' }, 200))! })],
    ['supervisor: all, status bot, channel web', page(supervisor, { view: 'all', status: 'bot', channel: 'web' })],
    [
      'supervisor: resolved, page 101',
      page(supervisor, { view: 'resolved', cursor: (await deepCursor(supervisor, { view: 'resolved' }, 100))! }),
    ],
    ['agent: counts', () => countInbox(handle.db, agent)],
    ['supervisor: counts', () => countInbox(handle.db, supervisor)],
    ['supervisor: search message text (4 chars)', () => searchConversations(handle.db, supervisor, { q: '退款怎么', limit: 20 })],
    ['supervisor: search a rare number', () => searchConversations(handle.db, supervisor, { q: '编号4815-', limit: 20 })],
    ['agent: search customer name', () => searchConversations(handle.db, agent, { q: '王敏', limit: 20 })],
    ['agent: search 2 chars (bounded scan)', () => searchConversations(handle.db, agent, { q: '发票', limit: 20 })],
  ];

  const rows: Array<Array<string | number>> = [];
  for (const [query, run] of cases) {
    const { p50, p95 } = await latency(run, runs, 10);
    results.push({ query, p50, p95 });
    rows.push([query, p50, p95]);
  }
  console.log(`\n### Inbox at ${count.toLocaleString('en')} conversations (${runs} runs each, PostgreSQL, 50 per page)\n`);
  console.log(table(['query', 'p50 ms', 'p95 ms'], rows));
  if (values.explain) await explainViews(agent);
} finally {
  await handle.close();
  await database.drop();
}
console.log(`BENCH_RESULT ${JSON.stringify({ bench: 'inbox', conversations: count, results })}`);

/** The plans behind the table: which index each view walks (the list functions' statements, reduced to their core). */
async function explainViews(agent: StaffActor) {
  const plans: string[] = [];
  for (const [label, query] of [
    ['waiting', sql`select id from conversations c where c.status = 'needs_human' order by c.waiting_since, c.id limit 51`],
    [
      'all, after the waiting',
      sql`select id from conversations c where c.status not in ('needs_human', 'closed') order by c.last_message_at desc, c.id desc limit 51`,
    ],
    [
      'mine',
      sql`select id from conversations c where c.assignee = ${String(agent.userId)} and c.status = 'human' order by c.last_message_at desc, c.id desc limit 51`,
    ],
    [
      'resolved',
      sql`select id from conversations c where c.resolved_at is not null and c.status in ('bot', 'closed') order by c.resolved_at desc, c.id desc limit 51`,
    ],
    ['search', sql`select conversation_id from messages m where m.text ilike '%退款怎么%'`],
  ] as const) {
    const result = (await handle.db.execute(sql`explain (analyze, costs off) ${query}`)) as unknown as {
      rows: Array<Record<string, string>>;
    };
    plans.push(`-- ${label}\n${result.rows.map((r) => Object.values(r)[0]).join('\n')}`);
  }
  console.log(`\n### Plans\n\n\`\`\`\n${plans.join('\n\n')}\n\`\`\``);
}
