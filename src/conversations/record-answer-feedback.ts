import { sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { queryRows } from '../db/rows.ts';
import { type AnswerRating, answerRatings } from '../db/schema.ts';
import { RejectedRequestError } from '../errors.ts';
import type { CustomerRef } from './customer-messages.ts';

export { type AnswerRating, answerRatings };

export interface AnswerFeedback {
  /** The bot's reply rated. */
  messageId: number;
  rating: AnswerRating;
  /** The channel the vote came through (`web`, `wecom-kf`…). */
  source: string;
  /** The customer voting: only the answers given to them can be rated by them. */
  from: CustomerRef;
}

/**
 * Stores a customer's 👍 or 👎 on one of the bot's answers; a second vote on the same answer
 * replaces the first (the widget lets a visitor change their mind). One statement: the answer
 * must be the bot's and must have been given to this customer, else nothing is written and the
 * caller hears 404 — so nobody can rate, or probe for, another customer's answers. Every channel
 * that collects feedback (the web widget, the AI bot) calls this one operation. The vote keeps its
 * answer's time and outcome beside it, for the dashboard's count of 👎 per day.
 */
export async function recordAnswerFeedback(db: Database, feedback: AnswerFeedback): Promise<{ messageId: number; rating: AnswerRating }> {
  const rows = await queryRows<{ messageId: number; rating: AnswerRating }>(
    db,
    sql`
    insert into answer_feedback (message_id, rating, source, answer_created_at, answered)
    select m.id, ${feedback.rating}, ${feedback.source}, m.created_at,
           not (m.meta ? 'handoffReason') and m.meta->>'decision' is distinct from 'clarify'
    from messages m
    join conversations c on c.id = m.conversation_id
    join customers cu on cu.id = c.customer_id
    where m.id = ${feedback.messageId} and m.direction = 'out' and m.sender = 'bot'
      and cu.channel_account_id = ${feedback.from.channelAccountId} and cu.external_id = ${feedback.from.externalId}
    on conflict (message_id) do update set rating = excluded.rating, source = excluded.source, updated_at = now()
    returning message_id::int as "messageId", rating`,
  );
  const row = rows[0];
  if (!row) throw new RejectedRequestError('not_found', 'there is no answer of the bot with that id in this conversation', 404);
  return row;
}
