import { sql } from 'drizzle-orm';
import { knowledgeBaseOfAccount } from '../conversations/channel-accounts.ts';
import type { Database } from '../db/connect.ts';
import { queryRows } from '../db/rows.ts';

/** Why a turn is in 未知问题. */
export type UnansweredReason = 'declined' | 'handoff' | 'thumbs_down';

export interface UnansweredTurn {
  /** The customer's message: the turn's question. */
  questionId: number;
  text: string;
  reason: UnansweredReason;
  /** The handoff reason code (`no_answer`, `customer_asked`…) when it was handed off. */
  handoffReason: string | null;
  /** The knowledge base the conversation's channel account answers from. */
  knowledgeBase: string;
  conversationId: number;
  at: Date;
}

/** The newest turns this many days back are grouped; older ones have been fixed or forgotten. */
export const UNANSWERED_DAYS = 30;
/** Grouping is in memory (src/insights/group-similar-questions.ts): the newest this many turns. */
export const UNANSWERED_TURN_LIMIT = 3000;

/**
 * The turns the bot did not answer well: it declined (a clarify reply: nothing in the knowledge
 * base cleared the threshold), handed off to a person, or the customer gave its answer a 👎.
 * The question is the turn's last customer message (the one the reply names). Turns whose question
 * an admin has already answered (unanswered_fixes) are left out. Both sources are read through
 * their partial indexes (messages_unanswered_replies, answer_feedback_down), newest first.
 */
export async function listUnansweredTurns(db: Database, now = new Date()): Promise<UnansweredTurn[]> {
  const since = new Date(now.getTime() - UNANSWERED_DAYS * 86_400_000);
  const rows = await queryRows<
    Omit<UnansweredTurn, 'knowledgeBase' | 'at'> & { at: string | Date; accountSettings: Record<string, unknown> }
  >(
    db,
    sql`
    with flagged as (
      (select r.reply_to_id, r.created_at as at,
              case when r.meta ? 'handoffReason' then 'handoff' else 'declined' end as reason,
              r.meta->>'handoffReason' as handoff_reason
       from messages r
       where r.sender = 'bot' and (r.meta ? 'handoffReason' or r.meta->>'decision' = 'clarify') and r.created_at >= ${since}
       order by r.created_at desc limit ${UNANSWERED_TURN_LIMIT})
      union all
      (select r.reply_to_id, f.updated_at, 'thumbs_down', null
       from answer_feedback f join messages r on r.id = f.message_id
       where f.rating = 'down' and f.updated_at >= ${since}
       order by f.updated_at desc limit ${UNANSWERED_TURN_LIMIT})
    )
    select q.id::int as "questionId", q.text, flagged.reason, flagged.handoff_reason as "handoffReason",
           a.settings as "accountSettings",
           q.conversation_id::int as "conversationId", flagged.at
    from flagged
    join messages q on q.id = flagged.reply_to_id
    join channel_accounts a on a.id = q.channel_account_id
    where q.kind = 'text' and coalesce(q.text, '') <> ''
      and not exists (select 1 from unanswered_fixes x where x.question_id = q.id)
    order by flagged.at desc
    limit ${UNANSWERED_TURN_LIMIT}`,
  );
  return rows.map(({ accountSettings, ...row }) => ({
    ...row,
    knowledgeBase: knowledgeBaseOfAccount(accountSettings),
    at: new Date(row.at),
  }));
}
