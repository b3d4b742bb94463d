import { type SQL, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { queryRows } from '../db/rows.ts';

/** One piece of time's figures (a day, or a quarter hour), counted from the messages; pieces add up. */
export interface DayFigures {
  traffic: Record<string, { conversations: number; messages: number }>;
  replies: number;
  handoffs: number;
  declined: number;
  tokens: number;
  reasons: Record<string, number>;
  questions: Record<string, number>;
  /** Histograms of milliseconds: bin → count (see BINS_PER_DOUBLING). */
  botReplyMs: Record<string, number>;
  humanWaitMs: Record<string, number>;
}

export const QUARTER_MS = 15 * 60_000;
/**
 * Timings are kept as histograms with 8 bins per doubling (each bin ~9% wide), so pieces add up: a
 * period's p50 and p95 are read from the sum of its pieces' histograms, within ±5%.
 */
export const BINS_PER_DOUBLING = 8;
const binSql = (ms: SQL) => sql`floor(${BINS_PER_DOUBLING} * ln(greatest(${ms}, 1)) / ln(2))::int`;

export function emptyFigures(): DayFigures {
  return { traffic: {}, replies: 0, handoffs: 0, declined: 0, tokens: 0, reasons: {}, questions: {}, botReplyMs: {}, humanWaitMs: {} };
}

/** Adds `more` into `into`. */
export function addFigures(into: DayFigures, more: DayFigures): void {
  for (const [channel, t] of Object.entries(more.traffic)) {
    const had = into.traffic[channel] ?? { conversations: 0, messages: 0 };
    into.traffic[channel] = { conversations: had.conversations + t.conversations, messages: had.messages + t.messages };
  }
  into.replies += more.replies;
  into.handoffs += more.handoffs;
  into.declined += more.declined;
  into.tokens += more.tokens;
  for (const key of ['reasons', 'questions', 'botReplyMs', 'humanWaitMs'] as const)
    for (const [name, n] of Object.entries(more[key])) into[key][name] = (into[key][name] ?? 0) + n;
}

export interface PieceBounds {
  timeZone: string;
  /** Everything from here on is counted. */
  from: Date;
  /** Before this, in whole days of `timeZone` (the first one may start before `from`); from here on, in quarter hours. */
  quartersFrom: Date;
}

/**
 * Counts the figures of everything stored from `from` on, one statement per figure over an index
 * made for it (migration answer_feedback_and_insights), run side by side:
 * - traffic: index-only scans of messages_created_by_channel and conversations_created_by_channel,
 *   grouped by account first and named (channel kind) after;
 * - the bot's replies (messages_bot_replies): outcome, tokens and answered entry live in meta;
 * - handoff reasons through the small messages_unanswered_replies;
 * - the wait for a person: an index-only scan of conversations_first_response.
 * Pieces are keyed by their start in epoch milliseconds: a whole day's start in `timeZone` before
 * `quartersFrom`, a quarter of a UTC hour after it.
 */
export async function countDashboardPieces(db: Database, bounds: PieceBounds): Promise<Map<number, DayFigures>> {
  const { timeZone, from, quartersFrom } = bounds;
  const piece = (column: SQL) => sql`(extract(epoch from case when ${column} < ${quartersFrom}::timestamptz
      then (${column} at time zone ${timeZone})::date::timestamp at time zone ${timeZone}
      else date_bin('15 minutes', ${column}, timestamptz '2000-01-01 00:00:00+00') end) * 1000)::float8`;
  const [traffic, replies, questions, reasons, botReply, humanWait] = await Promise.all([
    queryRows<{ at: number; channel: string; conversations: number; messages: number }>(
      db,
      sql`
      with m as (
        select ${piece(sql`created_at`)} as at, channel_account_id, count(*) as n
        from messages where created_at >= ${from} group by 1, 2
      ), c as (
        select ${piece(sql`created_at`)} as at, channel_account_id, count(*) as n
        from conversations where created_at >= ${from} group by 1, 2
      )
      select coalesce(m.at, c.at) as at, a.channel,
             coalesce(sum(c.n), 0)::int as conversations, coalesce(sum(m.n), 0)::int as messages
      from m full join c on c.at = m.at and c.channel_account_id = m.channel_account_id
      join channel_accounts a on a.id = coalesce(m.channel_account_id, c.channel_account_id)
      group by 1, 2`,
    ),
    queryRows<{ at: number; replies: number; handoffs: number; declined: number; tokens: string }>(
      db,
      sql`
      select ${piece(sql`created_at`)} as at, count(*)::int as replies,
             (count(*) filter (where meta ? 'handoffReason'))::int as handoffs,
             (count(*) filter (where meta->>'decision' = 'clarify' and not meta ? 'handoffReason'))::int as declined,
             coalesce(sum((meta->>'modelTokens')::bigint), 0)::text as tokens
      from messages where sender = 'bot' and created_at >= ${from}
      group by 1`,
    ),
    queryRows<{ at: number; question: string; count: number }>(
      db,
      sql`
      select ${piece(sql`created_at`)} as at, meta->>'question' as question, count(*)::int as count
      from messages where sender = 'bot' and created_at >= ${from} and meta ? 'question'
      group by 1, 2`,
    ),
    // Spelled with the predicate of messages_unanswered_replies, so the planner can use that small index.
    queryRows<{ at: number; reason: string; count: number }>(
      db,
      sql`
      select ${piece(sql`created_at`)} as at, meta->>'handoffReason' as reason, count(*)::int as count from messages
      where sender = 'bot' and (meta ? 'handoffReason' or meta->>'decision' = 'clarify') and created_at >= ${from}
        and meta ? 'handoffReason'
      group by 1, 2`,
    ),
    queryRows<{ at: number; bin: number; count: number }>(
      db,
      sql`
      select ${piece(sql`r.created_at`)} as at, ${binSql(sql`extract(epoch from r.created_at - q.created_at) * 1000`)} as bin, count(*)::int as count
      from messages r join messages q on q.id = r.reply_to_id
      where r.sender = 'bot' and r.created_at >= ${from}
      group by 1, 2`,
    ),
    queryRows<{ at: number; bin: number; count: number }>(
      db,
      sql`
      select ${piece(sql`first_response_at`)} as at, ${binSql(sql`extract(epoch from first_response_at - human_since) * 1000`)} as bin,
             count(*)::int as count
      from conversations where first_response_at >= ${from} and human_since is not null
      group by 1, 2`,
    ),
  ]);
  const pieces = new Map<number, DayFigures>();
  const of = (at: number) => {
    const figures = pieces.get(Number(at)) ?? emptyFigures();
    pieces.set(Number(at), figures);
    return figures;
  };
  for (const t of traffic) of(t.at).traffic[t.channel] = { conversations: t.conversations, messages: t.messages };
  for (const r of replies)
    Object.assign(of(r.at), { replies: r.replies, handoffs: r.handoffs, declined: r.declined, tokens: Number(r.tokens) });
  for (const q of questions) of(q.at).questions[q.question] = q.count;
  for (const r of reasons) of(r.at).reasons[r.reason] = r.count;
  for (const b of botReply) of(b.at).botReplyMs[b.bin] = b.count;
  for (const b of humanWait) of(b.at).humanWaitMs[b.bin] = b.count;
  return pieces;
}
