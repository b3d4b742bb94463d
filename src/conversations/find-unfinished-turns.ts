import { sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { queryRows, storedAtMs } from '../db/rows.ts';

export interface UnfinishedTurn {
  /** The customer message the turn answers. */
  messageId: number;
  conversationId: number;
  /** When that message was stored (ms): with its id, the turn's job id. */
  storedAt: number;
}

/**
 * Work the queue may have lost, untouched since `cutoff`: customer messages still pending, and
 * the turns whose reply still has parts to send (named by the message they answer; an agent's
 * reply answers none and names its own turn, src/conversations/send-agent-reply.ts).
 */
export function findUnfinishedTurns(db: Database, cutoff: Date): Promise<UnfinishedTurn[]> {
  const before = cutoff.toISOString();
  return queryRows<UnfinishedTurn>(
    db,
    sql`
    (select id::int as "messageId", conversation_id::int as "conversationId", ${storedAtMs('created_at')}
       from messages where direction = 'in' and status = 'pending' and created_at < ${before}::timestamptz limit 1000)
    union
    (select coalesce(asked.id, reply.id)::int, reply.conversation_id::int, ${storedAtMs('coalesce(asked.created_at, reply.created_at)')}
       from deliveries d join messages reply on reply.id = d.message_id left join messages asked on asked.id = reply.reply_to_id
      where d.status in ('pending', 'sending') and d.updated_at < ${before}::timestamptz limit 1000)`,
  );
}
