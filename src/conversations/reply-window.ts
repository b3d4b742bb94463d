import { sql } from 'drizzle-orm';
import type { ReplyWindowInput, ReplyWindowState } from '../channels/types.ts';
import type { Executor } from '../db/transaction.ts';
import { RejectedRequestError } from '../errors.ts';

/** A channel's reply rule (Channel.replyWindow); undefined when its platform has none. */
export type ReplyWindowRule = (input: ReplyWindowInput) => ReplyWindowState;

/** The reply window as the console reads it: null fields when the channel has none. */
export interface ReplyWindowView {
  open: boolean;
  closesAt: string | null;
  remaining: number | null;
  limit: number | null;
  reason: string | null;
}

/**
 * What the platforms count, from the history: the customer's last message (a message, not an
 * event: follows, menu clicks and enter_session open no 48-hour window) and the platform messages
 * we sent since — every part of every reply of the bot, a person or the system (hold notices), as
 * each part is one custom/send or kf/send_msg call. Parts that failed never reached the customer
 * and do not count. A 微信客服 servicer's own replies from the WeCom client (origin 5) are not
 * counted: they do not go through kf/send_msg, and whether WeCom counts them is not documented.
 * Broadcasts (src/broadcasts/) are stored messages without deliveries, one platform message each.
 * The platform's send time of the customer's message, when it gave one, else when we stored it.
 */
export async function loadReplyWindowInput(db: Executor, conversationId: number): Promise<Omit<ReplyWindowInput, 'now'>> {
  return (await loadReplyWindowInputs(db, [conversationId])).get(conversationId)!;
}

/**
 * The same for many conversations in one statement, so a broadcast's forecast over a big audience
 * (src/broadcasts/forecast-broadcast.ts) reads every window at once instead of one query each.
 */
export async function loadReplyWindowInputs(db: Executor, conversationIds: number[]): Promise<Map<number, Omit<ReplyWindowInput, 'now'>>> {
  if (conversationIds.length === 0) return new Map();
  // One jsonb parameter, not one per id: an audience can pass PostgreSQL's 65,535 parameters.
  const result = (await db.execute(sql`
    with c as (select distinct jsonb_array_elements_text(${JSON.stringify(conversationIds)}::jsonb)::bigint as id),
    last_in as (
      select c.id, li.at, li.id as message_id from c left join lateral (
        select max(coalesce(platform_sent_at, created_at)) as at, max(id) as id from messages
        where conversation_id = c.id and direction = 'in' and sender = 'customer' and kind <> 'event'
      ) li on true
    )
    select last_in.id::bigint as id, last_in.at as "lastCustomerMessageAt",
           (select count(*)::int from deliveries d join messages m on m.id = d.message_id
             where d.conversation_id = last_in.id and d.status <> 'failed' and m.id > coalesce(last_in.message_id, 0)
           ) + (select count(*)::int from messages b
             where b.conversation_id = last_in.id and b.direction = 'out' and b.meta ->> 'broadcastId' is not null
               and b.status <> 'failed' and b.id > coalesce(last_in.message_id, 0)
           ) as "sentSince"
    from last_in`)) as unknown as { rows: Array<{ id: number | string; lastCustomerMessageAt: string | Date | null; sentSince: number }> };
  return new Map(
    result.rows.map((row) => [
      Number(row.id),
      {
        lastCustomerMessageAt: row.lastCustomerMessageAt === null ? null : new Date(row.lastCustomerMessageAt),
        sentSince: Number(row.sentSince),
      },
    ]),
  );
}

export function replyWindowView(state: ReplyWindowState | undefined): ReplyWindowView {
  if (!state) return { open: true, closesAt: null, remaining: null, limit: null, reason: null };
  return {
    open: state.open,
    closesAt: state.closesAt?.toISOString() ?? null,
    remaining: state.remaining ?? null,
    limit: state.limit ?? null,
    reason: state.reason ?? null,
  };
}

/**
 * Refuses a reply of `parts` platform messages the window does not allow, in words an agent can
 * act on: the reply is not stored, and the customer has to write before anyone can answer.
 */
export function refuseOutsideWindow(state: ReplyWindowState | undefined, parts: number): void {
  if (!state) return;
  const until = state.closesAt ? ` (until ${state.closesAt.toISOString()})` : '';
  if (state.reason === 'window_closed')
    throw new RejectedRequestError(
      'reply_window_closed',
      `the reply window closed${state.closesAt ? ` at ${state.closesAt.toISOString()}` : ''}: the platform lets us write only for a while after the customer's last message (48 hours on WeChat); you can reply once the customer writes again`,
      409,
    );
  const remaining = state.remaining ?? 0;
  if (!state.open || parts > remaining)
    throw new RejectedRequestError(
      'reply_quota_spent',
      `the platform allows ${state.limit} messages after the customer's last message and ${remaining} are left${until}; this reply needs ${parts}. Shorten it, or wait until the customer writes again`,
      409,
    );
}

/**
 * The window a conversation's reply box shows now. Closed while a servicer holds it in the
 * platform's own client (微信客服 state 3, where our sends are refused), whatever the quota says.
 */
export async function readReplyWindow(
  db: Executor,
  conversation: { id: number; servicerUserId: string | null },
  rule: ReplyWindowRule | undefined,
): Promise<ReplyWindowView> {
  return replyWindowWith(conversation, rule, () => loadReplyWindowInput(db, conversation.id));
}

/** readReplyWindow with the history read by `load`: the forecast hands in what it read for all at once. */
export async function replyWindowWith(
  conversation: { servicerUserId: string | null },
  rule: ReplyWindowRule | undefined,
  load: () => Promise<Omit<ReplyWindowInput, 'now'>>,
): Promise<ReplyWindowView> {
  if (conversation.servicerUserId) return { open: false, closesAt: null, remaining: null, limit: null, reason: 'held_by_servicer' };
  if (!rule) return replyWindowView(undefined);
  return replyWindowView(rule({ ...(await load()), now: new Date() }));
}
