import { sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { queryRows } from '../db/rows.ts';
import {
  addFigures,
  BINS_PER_DOUBLING,
  countDashboardPieces,
  type DayFigures,
  emptyFigures,
  QUARTER_MS,
} from './count-dashboard-pieces.ts';

export interface DashboardPeriod {
  /** Days back, today included. */
  days: number;
  /** IANA time zone the days are cut in (the viewer's). */
  timeZone: string;
  /** Price of 1,000 model tokens (prompt and completion alike), in the operator's currency: LLM_PRICE_PER_1K_TOKENS. */
  pricePer1kTokens: number;
  now?: Date;
}

export interface DashboardFigures {
  days: string[];
  /** Per day and channel kind (`web`, `wecom`…): conversations opened and messages both ways. */
  traffic: Array<{ day: string; channel: string; conversations: number; messages: number }>;
  /** The bot's replies per day, and what became of them. */
  bot: Array<{
    day: string;
    replies: number;
    resolved: number;
    handoffs: number;
    declined: number;
    thumbsDown: number;
    tokens: number;
    cost: number;
  }>;
  totals: {
    replies: number;
    resolved: number;
    handoffs: number;
    resolutionRate: number;
    handoffRate: number;
    tokens: number;
    cost: number;
  };
  handoffReasons: Array<{ reason: string; count: number }>;
  /** Customer message → the bot's reply, and handoff → the first reply of a person (the wait for a person), in seconds. */
  timings: { botReply: Percentiles; humanFirstResponse: Percentiles };
  /** The FAQ entries the bot answered with most. */
  topQuestions: Array<{ question: string; count: number }>;
}

export interface Percentiles {
  p50: number | null;
  p95: number | null;
  count: number;
}

/** A closed day, or quarter, is kept once over this long: later than any commit of its last rows. */
const SETTLED_MS = 30 * 60_000;
/**
 * Quarters are kept this long: past the longest period GET /api/dashboard serves (90 days), a day is
 * in dashboard_days of every zone viewed, and a zone viewed for the first time counts older days
 * from the messages, once.
 */
const QUARTERS_KEPT_DAYS = 92;

/**
 * The dashboard's figures over the last `days` days. Each piece of time is counted once:
 * - the closed days of a time zone are read from dashboard_days;
 * - the days not kept yet (today, always) are read from the quarter hours kept in
 *   dashboard_quarters (shared by every time zone), and only what follows the last kept quarter —
 *   the last 30 to 45 minutes — is counted from the messages (src/insights/count-dashboard-pieces.ts);
 *   so the page costs the last minutes' traffic, not the month's nor the day's;
 * - 👎 are counted live for the whole period (a vote may come days later), from the small index
 *   answer_feedback_down_answers alone: the vote keeps its answer's time and outcome.
 * A reply is resolved when the bot answered (no handoff, not a decline) and got no 👎.
 */
export async function dashboardFigures(db: Database, period: DashboardPeriod): Promise<DashboardFigures> {
  const { timeZone } = period;
  const now = period.now ?? new Date();
  const [{ since, days, starts, firstUnsettledDay, unsettledFrom }] = (await queryRows<PeriodBounds>(
    db,
    sql`with today as (select (${now}::timestamptz at time zone ${timeZone})::date as d),
             unsettled as (select ((${now}::timestamptz - make_interval(secs => ${SETTLED_MS / 1000})) at time zone ${timeZone})::date as d)
        select ((today.d - ${period.days - 1}::int)::timestamp at time zone ${timeZone}) as since,
               array(select to_char(g, 'YYYY-MM-DD') from generate_series(today.d - ${period.days - 1}::int, today.d, interval '1 day') g) as days,
               array(select extract(epoch from (g::date::timestamp at time zone ${timeZone}))::float8 * 1000
                     from generate_series(today.d - ${period.days - 1}::int, today.d, interval '1 day') g) as starts,
               to_char(unsettled.d, 'YYYY-MM-DD') as "firstUnsettledDay",
               extract(epoch from (unsettled.d::timestamp at time zone ${timeZone}))::float8 * 1000 as "unsettledFrom"
        from today, unsettled`,
  )) as [PeriodBounds];
  const kept = await queryRows<{ day: string; figures: DayFigures }>(
    db,
    sql`select day::text, figures from dashboard_days
        where time_zone = ${timeZone} and day >= ${days[0]!}::date and day <= ${days.at(-1)!}::date
          and computed_at >= ((day + 1)::timestamp at time zone ${timeZone}) + make_interval(secs => ${SETTLED_MS / 1000})`,
  );
  const byDay = new Map(kept.map((k) => [k.day, k.figures]));
  const missing = days.findIndex((d) => !byDay.has(d));
  const [counted, downs] = await Promise.all([
    missing < 0
      ? new Map<string, DayFigures>()
      : countMissingDays(db, {
          timeZone,
          now,
          days: days.slice(missing),
          from: Number(starts[missing]),
          firstUnsettledDay,
          unsettledFrom: Number(unsettledFrom),
        }),
    queryRows<{ day: string; thumbsDown: number }>(
      db,
      sql`
      select to_char(answer_created_at at time zone ${timeZone}, 'YYYY-MM-DD') as day, count(*)::int as "thumbsDown"
      from answer_feedback
      where rating = 'down' and answered and answer_created_at >= ${since}
      group by 1`,
    ),
  ]);
  for (const [day, figures] of counted) byDay.set(day, figures);
  return combine(days, byDay, new Map(downs.map((d) => [d.day, d.thumbsDown])), period.pricePer1kTokens);
}

interface PeriodBounds {
  since: Date;
  days: string[];
  /** Each day's start (epoch ms). */
  starts: number[];
  /** The first day not over for SETTLED_MS, and its start (epoch ms). */
  firstUnsettledDay: string;
  unsettledFrom: number;
}

/**
 * The figures of `days` (the period's days not kept yet, from `from`, the first one's start): the
 * kept quarters that follow one another from `from`, then a count of the rest. The days and
 * quarters settled by now are kept, those without traffic too (so a quiet night is not counted
 * again on every view).
 */
async function countMissingDays(
  db: Database,
  range: { timeZone: string; now: Date; days: string[]; from: number; firstUnsettledDay: string; unsettledFrom: number },
): Promise<Map<string, DayFigures>> {
  const { timeZone, now } = range;
  const quarters = await queryRows<{ at: number; figures: DayFigures }>(
    db,
    sql`select extract(epoch from starts_at)::float8 * 1000 as at, figures from dashboard_quarters
        where starts_at >= ${new Date(range.from)} and starts_at < ${now} order by starts_at`,
  );
  let liveFrom = range.from;
  const pieces: Array<[number, DayFigures]> = [];
  for (const quarter of quarters) {
    if (Number(quarter.at) !== liveFrom) break;
    pieces.push([liveFrom, quarter.figures]);
    liveFrom += QUARTER_MS;
  }
  const quartersFrom = Math.max(liveFrom, range.unsettledFrom);
  const counted = await countDashboardPieces(db, { timeZone, from: new Date(liveFrom), quartersFrom: new Date(quartersFrom) });
  pieces.push(...counted);
  const dayOf = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  const byDay = new Map(range.days.map((day) => [day, emptyFigures()]));
  for (const [at, figures] of pieces) {
    const day = byDay.get(dayOf.format(at));
    if (day) addFigures(day, figures);
  }
  const settledQuarters: Array<{ at: number; figures: DayFigures }> = [];
  for (let at = quartersFrom; at + QUARTER_MS + SETTLED_MS <= now.getTime(); at += QUARTER_MS)
    settledQuarters.push({ at, figures: counted.get(at) ?? emptyFigures() });
  const settledDays = [...byDay].filter(([day]) => day < range.firstUnsettledDay).map(([day, figures]) => ({ day, figures }));
  await Promise.all([
    settledDays.length > 0 &&
      db.execute(sql`
      insert into dashboard_days (time_zone, day, figures, computed_at)
      select ${timeZone}, (d->>'day')::date, d->'figures', ${now}::timestamptz
      from jsonb_array_elements(${JSON.stringify(settledDays)}::jsonb) d
      on conflict (time_zone, day) do update set figures = excluded.figures, computed_at = excluded.computed_at`),
    settledQuarters.length > 0 &&
      db.execute(sql`
      insert into dashboard_quarters (starts_at, figures, computed_at)
      select to_timestamp((d->>'at')::float8 / 1000), d->'figures', ${now}::timestamptz
      from jsonb_array_elements(${JSON.stringify(settledQuarters)}::jsonb) d
      on conflict (starts_at) do update set figures = excluded.figures, computed_at = excluded.computed_at`),
    settledQuarters.length > 0 &&
      db.execute(sql`delete from dashboard_quarters where starts_at < ${now}::timestamptz - make_interval(days => ${QUARTERS_KEPT_DAYS})`),
  ]);
  return byDay;
}

function combine(days: string[], byDay: Map<string, DayFigures>, downs: Map<string, number>, pricePer1kTokens: number): DashboardFigures {
  const traffic: DashboardFigures['traffic'] = [];
  const reasons = new Map<string, number>();
  const questions = new Map<string, number>();
  const botReplyMs = new Map<number, number>();
  const humanWaitMs = new Map<number, number>();
  const add = <K>(into: Map<K, number>, key: K, n: number) => into.set(key, (into.get(key) ?? 0) + n);
  const bot = days.map((day) => {
    const f = byDay.get(day);
    // By channel name: kept days come back from jsonb with their keys in its own order.
    for (const [channel, t] of Object.entries(f?.traffic ?? {}).sort(([a], [b]) => (a < b ? -1 : 1))) traffic.push({ day, channel, ...t });
    for (const [reason, n] of Object.entries(f?.reasons ?? {})) add(reasons, reason, n);
    for (const [question, n] of Object.entries(f?.questions ?? {})) add(questions, question, n);
    for (const [bin, n] of Object.entries(f?.botReplyMs ?? {})) add(botReplyMs, Number(bin), n);
    for (const [bin, n] of Object.entries(f?.humanWaitMs ?? {})) add(humanWaitMs, Number(bin), n);
    const thumbsDown = downs.get(day) ?? 0;
    const counts = { replies: f?.replies ?? 0, handoffs: f?.handoffs ?? 0, declined: f?.declined ?? 0, tokens: f?.tokens ?? 0 };
    return {
      day,
      ...counts,
      thumbsDown,
      resolved: counts.replies - counts.handoffs - counts.declined - thumbsDown,
      cost: round((counts.tokens / 1000) * pricePer1kTokens, 4),
    };
  });
  const sum = (key: 'replies' | 'resolved' | 'handoffs' | 'tokens' | 'cost') => bot.reduce((total, d) => total + d[key], 0);
  const replyCount = sum('replies');
  const ranked = (counts: Map<string, number>) => [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  return {
    days,
    traffic,
    bot,
    totals: {
      replies: replyCount,
      resolved: sum('resolved'),
      handoffs: sum('handoffs'),
      resolutionRate: replyCount === 0 ? 0 : round(sum('resolved') / replyCount, 4),
      handoffRate: replyCount === 0 ? 0 : round(sum('handoffs') / replyCount, 4),
      tokens: sum('tokens'),
      cost: round(sum('cost'), 4),
    },
    handoffReasons: ranked(reasons).map(([reason, count]) => ({ reason, count })),
    timings: { botReply: percentiles(botReplyMs), humanFirstResponse: percentiles(humanWaitMs) },
    topQuestions: ranked(questions)
      .slice(0, 10)
      .map(([question, count]) => ({ question, count })),
  };
}

/** p50 and p95 in seconds from a histogram of milliseconds: each bin read as its geometric middle. */
function percentiles(histogram: Map<number, number>): Percentiles {
  const bins = [...histogram].sort((a, b) => a[0] - b[0]);
  const count = bins.reduce((total, [, n]) => total + n, 0);
  const at = (q: number) => {
    let seen = 0;
    for (const [bin, n] of bins) {
      seen += n;
      if (seen >= q * count) return round(2 ** ((bin + 0.5) / BINS_PER_DOUBLING) / 1000, 2);
    }
    return null;
  };
  return count === 0 ? { p50: null, p95: null, count } : { p50: at(0.5), p95: at(0.95), count };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
