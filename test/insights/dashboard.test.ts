import test from 'ava';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/rows.ts';
import { type DashboardFigures, dashboardFigures } from '../../src/insights/dashboard-figures.ts';
import { callJson } from '../support/console-api.ts';
import { staffMember } from '../support/staff-members.ts';
import { startHarness } from '../support/wecom-service.ts';
import { askAsNewVisitor } from '../support/web-visitor.ts';

/** GET /api/dashboard: the figures, and the unanswered questions the route adds to them. */
type Dashboard = DashboardFigures & { topUnanswered: Array<{ question: string; count: number }> };

test('the dashboard counts today’s traffic, the bot’s resolution and handoff rates, timings, top questions and tokens at the configured price', async (t) => {
  const h = await startHarness({ database: 'postgres', env: { LLM_PRICE_PER_1K_TOKENS: '0.02' } });
  t.teardown(() => h.close());
  const supervisor = await staffMember(h, 'lead@example.com', 'supervisor');
  const agent = await staffMember(h, 'agent@example.com', 'agent');

  await askAsNewVisitor(h.baseUrl, '下单后多久发货？');
  await askAsNewVisitor(h.baseUrl, '下单后多久发货？');
  const rated = await askAsNewVisitor(h.baseUrl, '退款多久到账？');
  await fetch(`${rated.visitor.api}/feedback`, {
    method: 'POST',
    headers: rated.visitor.headers({ 'Content-Type': 'application/json' }),
    body: JSON.stringify({ messageId: rated.reply.id, rating: 'down' }),
  });
  await askAsNewVisitor(h.baseUrl, '可以刻字吗？');
  await askAsNewVisitor(h.baseUrl, '转人工');
  // What the model brain stores with an answer it wrote (src/workers/conversation-turn-processor.ts).
  await queryRows(h.service.db, sql`update messages set meta = meta || '{"modelTokens": 1500}' where id = ${rated.reply.id}`);

  t.is((await callJson(h.baseUrl, agent, 'GET', '/api/dashboard')).status, 403, 'agents see no reports');
  const timeZone = 'Asia/Shanghai';
  const { status, body } = await callJson<Dashboard>(h.baseUrl, supervisor, 'GET', `/api/dashboard?days=7&timeZone=${timeZone}`);
  t.is(status, 200, JSON.stringify(body));
  const today = new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date());
  t.is(body.days.length, 7);
  t.is(body.days.at(-1), today);
  t.deepEqual(body.traffic, [{ day: today, channel: 'web', conversations: 5, messages: 10 }]);
  t.like(body.bot.at(-1), { day: today, replies: 5, handoffs: 1, declined: 1, thumbsDown: 1, resolved: 2, tokens: 1500, cost: 0.03 });
  t.like(body.totals, { replies: 5, resolved: 2, handoffs: 1, resolutionRate: 0.4, handoffRate: 0.2, tokens: 1500, cost: 0.03 });
  t.deepEqual(body.handoffReasons, [{ reason: 'customer_asked', count: 1 }]);
  t.is(body.timings.botReply.count, 5);
  t.true(body.timings.botReply.p50! > 0 && body.timings.botReply.p95! >= body.timings.botReply.p50!);
  t.is(body.timings.humanFirstResponse.count, 0);
  t.deepEqual(body.topQuestions, [
    { question: '下单后多久发货？', count: 2 },
    { question: '退款多久到账？', count: 1 },
  ]);
  t.deepEqual(body.topUnanswered.map((g) => g.question).sort(), ['可以刻字吗？', '转人工', '退款多久到账？'].sort());

  // Today is kept in quarter hours once they are over for 30 minutes: 46 minutes on, the replies'
  // quarters are read, not counted again (or their day, if it has just ended in Shanghai).
  const db = h.service.db;
  const later = { days: 2, timeZone, pricePer1kTokens: 0.02, now: new Date(Date.now() + 46 * 60_000) };
  const tokensOf = (f: { bot: Array<{ tokens: number; replies: number }> }) => ({
    replies: f.bot.reduce((n, d) => n + d.replies, 0),
    tokens: f.bot.reduce((n, d) => n + d.tokens, 0),
  });
  t.deepEqual(tokensOf(await dashboardFigures(db, later)), { replies: 5, tokens: 1500 });
  const [keptReplies] = await queryRows<{ replies: number }>(
    db,
    sql`select (coalesce((select sum((figures->>'replies')::int) from dashboard_quarters), 0)
               + coalesce((select sum((figures->>'replies')::int) from dashboard_days where time_zone = ${timeZone}), 0))::int as replies`,
  );
  t.is(keptReplies!.replies, 5, 'the replies are kept in their quarters');
  await queryRows(db, sql`update messages set meta = meta || '{"modelTokens": 7777}' where id = ${rated.reply.id}`);
  t.deepEqual(tokensOf(await dashboardFigures(db, later)), { replies: 5, tokens: 1500 }, 'read from the kept quarters');

  // A day that is over is kept whole: tomorrow, today's figures come from dashboard_days. Tomorrow
  // at 01:00 in Shanghai (UTC+8, no daylight saving), whatever the hour now: adding a day and an
  // hour to 23:30 there would be the day after tomorrow.
  const [year, month, day] = today.split('-').map(Number) as [number, number, number];
  const tomorrowAtOne = new Date(Date.UTC(year, month - 1, day + 1, 1 - 8));
  const tomorrow = { days: 2, timeZone, pricePer1kTokens: 0.02, now: tomorrowAtOne };
  const counted = await dashboardFigures(db, tomorrow);
  t.like(counted.bot[0], { day: today, replies: 5, tokens: 1500 });
  t.deepEqual(await queryRows(db, sql`select time_zone, day::text from dashboard_days where day = ${today}::date`), [
    { time_zone: timeZone, day: today },
  ]);
  await queryRows(db, sql`update messages set meta = meta || '{"modelTokens": 9999}' where id = ${rated.reply.id}`);
  const kept = await dashboardFigures(db, tomorrow);
  t.deepEqual(kept.bot, counted.bot, 'read from the kept day, not counted again');
  t.deepEqual(kept.timings, counted.timings);
  const utc = await dashboardFigures(db, { ...tomorrow, timeZone: 'UTC' });
  t.is(utc.totals.replies, 5, 'another time zone cuts its own days');
  t.true((await queryRows(db, sql`select 1 from dashboard_days where time_zone = 'UTC'`)).length > 0);
});
