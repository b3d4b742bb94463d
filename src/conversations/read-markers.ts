import { sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { queryRows } from '../db/rows.ts';
import { RejectedRequestError } from '../errors.ts';
import { readForStaff, type StaffActor } from './staff-access.ts';

/**
 * Moves the caller's read marker of a conversation to `messageId` (one of its messages), or to its
 * newest message when absent; never backwards, so two tabs reading out of order cannot make read
 * messages unread again. Not audited: it is the person's own bookmark, moved every time they look,
 * and changes nothing anyone else sees.
 */
export async function markConversationRead(
  db: Database,
  actor: StaffActor,
  input: { conversationId: number; messageId?: number },
): Promise<{ lastReadMessageId: number | null }> {
  await readForStaff(db, actor, input.conversationId);
  const [target] = await queryRows<{ id: number | null }>(
    db,
    input.messageId === undefined
      ? sql`select max(id)::float8 as id from messages where conversation_id = ${input.conversationId}`
      : sql`select id::float8 as id from messages where id = ${input.messageId} and conversation_id = ${input.conversationId}`,
  );
  if (input.messageId !== undefined && !target) {
    throw new RejectedRequestError('invalid_message', `message ${input.messageId} is not in conversation ${input.conversationId}`, 400);
  }
  if (target?.id == null) return { lastReadMessageId: null };
  const [marker] = await queryRows<{ lastReadMessageId: number }>(
    db,
    sql`
    insert into conversation_reads (user_id, conversation_id, last_read_message_id)
    values (${actor.userId}, ${input.conversationId}, ${target.id})
    on conflict (user_id, conversation_id) do update
      set last_read_message_id = greatest(conversation_reads.last_read_message_id, excluded.last_read_message_id), read_at = now()
    returning last_read_message_id::float8 as "lastReadMessageId"`,
  );
  return marker!;
}
