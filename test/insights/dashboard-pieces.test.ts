import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { sql } from 'drizzle-orm';
import { type DatabaseHandle, pgliteDirUnder } from '../../src/db/connect.ts';
import { queryRows } from '../../src/db/rows.ts';
import { type DashboardFigures, dashboardFigures } from '../../src/insights/dashboard-figures.ts';
import { seedDashboardTraffic } from '../support/dashboard-seed.ts';
import { openPgliteCopy } from '../support/pglite-template.ts';

let handle: DatabaseHandle;
let dataDir: string;

// A month of traffic, on PGlite (the embedded default): the same statements as on PostgreSQL.
test.before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'kefu-dashboard-'));
  handle = await openPgliteCopy(pgliteDirUnder(dataDir));
  await seedDashboardTraffic(handle.db, 2_000);
});
test.after.always(async () => {
  await handle?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const forget = () => handle.db.execute(sql`truncate dashboard_days, dashboard_quarters`);
const HOUR = 3_600_000;

/**
 * Replies, tokens and messages per day of the view's days, counted plainly from the messages: what
 * the kept pieces must add up to. The view's last day bounds it too: the seed's newest messages are
 * minutes ahead of the clock, which a minute before midnight puts them on a day the view does not show.
 */
async function plainCount(timeZone: string, days: readonly string[]) {
  const day = sql`to_char(created_at at time zone ${timeZone}, 'YYYY-MM-DD')`;
  const inView = sql`${day} between ${days[0]!} and ${days.at(-1)!}`;
  const [bot, messages] = await Promise.all([
    queryRows<{ day: string; replies: number; tokens: number }>(
      handle.db,
      sql`select ${day} as day, count(*)::int as replies, coalesce(sum((meta->>'modelTokens')::int), 0)::int as tokens
          from messages where sender = 'bot' and ${inView} group by 1 order by 1`,
    ),
    queryRows<{ messages: number }>(handle.db, sql`select count(*)::int as messages from messages where ${inView}`),
  ]);
  return { bot, messages: messages[0]!.messages };
}

const asCounted = (f: DashboardFigures) => ({
  bot: f.bot.filter((d) => d.replies > 0).map(({ day, replies, tokens }) => ({ day, replies, tokens })),
  messages: f.traffic.reduce((n, t) => n + t.messages, 0),
});

for (const timeZone of ['Asia/Shanghai', 'Asia/Kathmandu', 'America/New_York']) {
  test.serial(`kept days and quarters add up to the figures counted from the messages (${timeZone})`, async (t) => {
    const now = new Date();
    const period = { days: 30, timeZone, pricePer1kTokens: 0.02, now };
    await forget();
    const firstView = await dashboardFigures(handle.db, period);
    t.deepEqual(asCounted(firstView), await plainCount(timeZone, firstView.days));

    // Views earlier today, in this zone and in another one (+5:30), keep today's quarters; the
    // view now reads them, and the days kept, and counts only the last minutes.
    await forget();
    await dashboardFigures(handle.db, { ...period, now: new Date(now.getTime() - 3 * HOUR) });
    await dashboardFigures(handle.db, { ...period, timeZone: 'Asia/Kolkata', now: new Date(now.getTime() - 2 * HOUR) });
    const [quarters] = await queryRows<{ n: number }>(handle.db, sql`select count(*)::int as n from dashboard_quarters`);
    t.true(quarters!.n > 0, 'quarters were kept');
    const pieced = await dashboardFigures(handle.db, period);
    t.deepEqual(pieced, firstView, 'every figure, histograms and top questions included');
    t.deepEqual(await dashboardFigures(handle.db, period), firstView, 'and again, all kept');
  });
}
