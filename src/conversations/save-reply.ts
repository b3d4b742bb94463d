import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { queryRows } from '../db/rows.ts';
import { conversations, messages } from '../db/schema.ts';
import type { UnfinishedDelivery } from './deliveries.ts';

export interface ReplyToSave {
  conversationId: number;
  /** The pending inbound messages this reply answers; the last one names the turn. */
  answers: number[];
  text: string;
  parts: string[];
  meta: Record<string, unknown>;
  /** Set when the brain hands the conversation to a person. */
  handoffReason?: string;
  /** When the turn's last customer message was stored. */
  askedAt: Date;
  /**
   * A notice while the customer waits for a person (sender 'system'): the messages it covers stay
   * `held` for that person instead of counting as answered.
   */
  holdNotice?: boolean;
}

/**
 * Stores the bot's reply, its deliveries (one per part) and marks the answered messages — in one
 * statement, so it is atomic and costs one round trip: a crash leaves either no reply (the turn
 * runs again) or a reply whose deliveries are still to send. The unique index on reply_to_id makes
 * a second reply to the same turn impossible; the loser of such a race learns it and sends nothing.
 */
export async function saveReply(db: Database, reply: ReplyToSave): Promise<{ saved: boolean; deliveries: UnfinishedDelivery[] }> {
  const turnId = reply.answers[reply.answers.length - 1]!;
  const handoff = reply.handoffReason ?? null;
  const [row] = await queryRows<{ replyId: number | null; parts: Array<Omit<UnfinishedDelivery, 'askedAt'>> }>(
    db,
    sql`
    with conversation as (
      select id, channel_account_id from conversations where id = ${reply.conversationId}
    ), reply as (
      insert into messages (conversation_id, channel_account_id, direction, sender, kind, text, content, status, reply_to_id, meta)
      select id, channel_account_id, 'out', ${reply.holdNotice ? 'system' : 'bot'}, 'text', ${reply.text}, jsonb_build_object('type', 'text', 'text', ${reply.text}::text),
             'queued', ${turnId}, ${JSON.stringify(reply.meta)}::jsonb
      from conversation
      on conflict (reply_to_id) do nothing
      returning id
    ), parts as (
      insert into deliveries (message_id, conversation_id, part, body)
      select reply.id, ${reply.conversationId}, (p.ord - 1)::smallint, p.body
      from reply, jsonb_array_elements_text(${JSON.stringify(reply.parts)}::jsonb) with ordinality as p(body, ord)
      returning id, message_id, part, body, status
    ), answered as (
      update messages set status = ${reply.holdNotice ? 'held' : 'answered'}, answered_by_id = reply.id from reply
      where messages.id in (select jsonb_array_elements_text(${JSON.stringify(reply.answers)}::jsonb)::bigint) and messages.status = 'pending'
    ), touched as (
      update conversations
      set last_message_at = now(), updated_at = now(),
          status = case when ${handoff}::text is null then conversations.status else 'needs_human' end,
          handoff_reason = coalesce(${handoff}::text, conversations.handoff_reason)
      from reply where conversations.id = ${reply.conversationId}
    )
    select (select id::int from reply) as "replyId",
           coalesce((select json_agg(json_build_object('id', id, 'messageId', message_id, 'part', part, 'body', body, 'status', status) order by part)
                     from parts), '[]'::json) as parts`,
  );
  // The parts to send now; the turn's customer message is what they answer (reply latency).
  const deliveries = (row?.parts ?? []).map((d) => ({ ...d, askedAt: reply.askedAt }));
  return { saved: row?.replyId != null, deliveries };
}

/** Pending messages of a conversation a person owns are held for that person, not answered. */
export async function holdPendingMessages(db: Database, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(messages)
    .set({ status: 'held' })
    .where(and(inArray(messages.id, ids), eq(messages.status, 'pending')));
}

/**
 * Flags a conversation for a human (status needs_human) with the reason; the bot stops answering
 * it until an agent releases it. A conversation already with a human keeps its status.
 */
export async function flagForHuman(db: Database, conversationId: number, reason: string): Promise<void> {
  await db
    .update(conversations)
    .set({ status: 'needs_human', handoffReason: reason, updatedAt: sql`now()` })
    .where(and(eq(conversations.id, conversationId), eq(conversations.status, 'bot')));
}
