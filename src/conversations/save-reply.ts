import { and, eq, inArray } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { type PreparedStatement, runPrepared } from '../db/prepared-statement.ts';
import { messages } from '../db/schema.ts';
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
  /** The turn's send fence (send-fence.ts): the first part is marked `sending` only while it holds. */
  fence: number;
}

export interface SavedReply {
  /** False when another run of the same turn saved its reply first: send nothing. */
  saved: boolean;
  /** The parts to send now. */
  deliveries: UnfinishedDelivery[];
}

interface SavedRow {
  turnId: number;
  replyId: number;
  parts: Array<Omit<UnfinishedDelivery, 'askedAt'>>;
}

/**
 * Planned at each call (no name): its update of the answered messages is a join that PostgreSQL
 * plans as a scan of a new, small messages table, and a generic plan made then would keep scanning
 * it once it is large (src/db/prepared-statement.ts). The conversations are locked through a
 * lateral probe of their key; the first part of each reply is marked `sending` here, under the
 * turn's fence read from the locked conversation: the mark the turn would otherwise make in a
 * statement of its own.
 */
export const saveRepliesStatement: PreparedStatement = {
  text: `
    with input as (
      select * from unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::jsonb[], $6::jsonb[], $7::text[], $8::text[], $9::bigint[])
        with ordinality as t(conversation_id, turn_id, sender, text, meta, parts, answered_status, handoff, fence, ord)
    ), still_ours as (
      -- A person who took the conversation while the bot was thinking has it: the bot's answer is
      -- dropped (its messages stay pending, and the next turn holds them). FOR UPDATE waits for a
      -- takeover in flight and reads the status it committed. Hold notices are the system's.
      select c.id, c.channel_account_id, c.send_fence, input.turn_id
      from input cross join lateral (
        select id, channel_account_id, send_fence, status from conversations where id = input.conversation_id limit 1 for update
      ) c
      where c.status = 'bot' or input.sender = 'system'
    ), reply as (
      insert into messages (conversation_id, channel_account_id, direction, sender, kind, text, content, status, reply_to_id, meta)
      select c.id, c.channel_account_id, 'out', input.sender, 'text', input.text, jsonb_build_object('type', 'text', 'text', input.text),
             'queued', input.turn_id, input.meta
      from input join still_ours c on c.turn_id = input.turn_id
      order by input.ord
      on conflict (reply_to_id) do nothing
      returning id, conversation_id, reply_to_id
    ), replied as (
      select reply.id, reply.conversation_id, input.turn_id, input.parts, input.answered_status, input.handoff, input.fence = c.send_fence as fenced
      from reply join input on input.turn_id = reply.reply_to_id join still_ours c on c.turn_id = input.turn_id
    ), parts as (
      insert into deliveries (message_id, conversation_id, part, body, status, attempts)
      select replied.id, replied.conversation_id, (p.ord - 1)::smallint, p.body,
             case when p.ord = 1 and replied.fenced then 'sending' else 'pending' end, case when p.ord = 1 and replied.fenced then 1 else 0 end
      from replied, jsonb_array_elements_text(replied.parts) with ordinality as p(body, ord)
      returning id, message_id, part, body, status
    ), answered as (
      update messages set status = replied.answered_status, answered_by_id = replied.id
      from unnest($10::bigint[], $11::bigint[]) as answer(id, turn_id) join replied on replied.turn_id = answer.turn_id
      where messages.id = answer.id and messages.status = 'pending'
    ), touched as (
      update conversations
      set last_message_at = now(), updated_at = now(),
          status = case when replied.handoff is null then conversations.status else 'needs_human' end,
          handoff_reason = coalesce(replied.handoff, conversations.handoff_reason),
          waiting_since = case when replied.handoff is null or conversations.status <> 'bot' then conversations.waiting_since else now() end,
          -- It waits in its account's team's queue (docs/agents.md, teams).
          team_id = case when replied.handoff is null then conversations.team_id
                         else coalesce((select team_id from team_channel_accounts t where t.channel_account_id = conversations.channel_account_id), conversations.team_id) end
      from replied where conversations.id = replied.conversation_id
    )
    select replied.turn_id::int as "turnId", replied.id::int as "replyId",
           coalesce((select json_agg(json_build_object('id', parts.id, 'messageId', parts.message_id, 'part', parts.part, 'body', parts.body,
                                                       'status', parts.status) order by parts.part)
                     from parts where parts.message_id = replied.id), '[]'::json) as parts
    from replied`,
};

/**
 * Stores the bot's replies, their deliveries (one per part) and marks the answered messages — in
 * one statement for any number of conversations (concurrent turns share it under load), so it is
 * atomic and costs one round trip and one commit: a crash leaves either no reply (the turn runs
 * again) or a reply whose deliveries are still to send. The unique index on reply_to_id makes a
 * second reply to the same turn impossible; the loser of such a race learns it and sends nothing.
 * The replies belong to different conversations: each conversation runs one turn at a time.
 * A bot reply is saved only while the conversation is still the bot's, read under its row lock, so
 * a takeover (src/conversations/assign-conversation.ts) that commits first wins the race. The first
 * part comes back marked `sending` for the turn (`claimed`) when the turn's fence still holds;
 * otherwise it is left pending, and the turn finds its fence lost when it marks it.
 */
export async function saveReplies(db: Database, replies: ReplyToSave[]): Promise<SavedReply[]> {
  const column = <T>(of: (reply: ReplyToSave) => T) => replies.map(of);
  const answers = replies.flatMap((reply) => reply.answers.map((id) => ({ id, turn: turnOf(reply) })));
  const rows = await runPrepared<SavedRow>(db, saveRepliesStatement, [
    column((r) => r.conversationId),
    column(turnOf),
    column((r) => (r.holdNotice ? 'system' : 'bot')),
    column((r) => r.text),
    column((r) => r.meta),
    column((r) => JSON.stringify(r.parts)),
    column((r) => (r.holdNotice ? 'held' : 'answered')),
    column((r) => r.handoffReason ?? null),
    column((r) => r.fence),
    answers.map((a) => a.id),
    answers.map((a) => a.turn),
  ]);
  const byTurn = new Map(rows.map((row) => [row.turnId, row]));
  return replies.map((reply) => {
    const row = byTurn.get(turnOf(reply));
    // The parts to send now; the turn's customer message is what they answer (reply latency).
    return {
      saved: row !== undefined,
      deliveries: (row?.parts ?? []).map((d) => ({ ...d, askedAt: reply.askedAt, ...(d.status === 'sending' && { claimed: true }) })),
    };
  });
}

const turnOf = (reply: ReplyToSave) => reply.answers[reply.answers.length - 1]!;

/** Pending messages of a conversation a person owns are held for that person, not answered. */
export async function holdPendingMessages(db: Database, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(messages)
    .set({ status: 'held' })
    .where(and(inArray(messages.id, ids), eq(messages.status, 'pending')));
}
