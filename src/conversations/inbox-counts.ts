import { sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { queryRows } from '../db/rows.ts';
import { seesEverything, type StaffActor } from './staff-access.ts';

export interface InboxCounts {
  /** Waiting for a person. */
  waiting: number;
  /** Held by the caller. */
  mine: number;
  /** Open conversations the caller sees: everything not closed for supervisors and admins. */
  all: number;
  /** Conversations waiting or held by the caller with customer messages after the caller's read marker. */
  unread: number;
}

/**
 * The inbox's badges in one round trip. Each count is an index walk (conversations_waiting,
 * conversations_held_by, conversations_open_by_last_message); unread looks at the
 * conversations that want the caller's attention only, not at every conversation the bot holds.
 */
export async function countInbox(db: Database, actor: StaffActor): Promise<InboxCounts> {
  const me = String(actor.userId);
  const all = seesEverything(actor)
    ? sql`(select count(*) from conversations where status <> 'closed')`
    : sql`(select count(*) from conversations where status = 'needs_human')
          + (select count(*) from conversations where assignee = ${me} and status not in ('needs_human', 'closed'))`;
  const [counts] = await queryRows<InboxCounts>(
    db,
    sql`
    select (select count(*) from conversations where status = 'needs_human')::int as waiting,
           (select count(*) from conversations where assignee = ${me} and status = 'human')::int as mine,
           (${all})::int as "all",
           (select count(*) from conversations c
             where (c.status = 'needs_human' or (c.assignee = ${me} and c.status = 'human'))
               -- The newest customer message against the marker: one probe of messages_from_customer
               -- per conversation. An EXISTS here was planned as a hash join over all messages.
               and (select max(m.id) from messages m where m.conversation_id = c.id and m.sender = 'customer' and m.kind <> 'event')
                   > coalesce((select r.last_read_message_id from conversation_reads r
                                where r.user_id = ${actor.userId} and r.conversation_id = c.id), 0))::int as unread`,
  );
  return counts!;
}
