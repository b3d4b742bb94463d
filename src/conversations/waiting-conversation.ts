import { sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { queryRows } from '../db/rows.ts';

/** A conversation waiting for a person, as a notice to agents describes it. */
export interface WaitingConversation {
  id: number;
  channel: string;
  accountName: string;
  handoffReason: string | null;
  /** 1 = the one waiting longest. */
  position: number;
  /** The customer's last text, if any: the notice may quote the start of it. */
  lastCustomerText: string | null;
}

/**
 * The conversation while it waits for a person (status needs_human); undefined once someone holds
 * it, the bot has it back, or it is closed: then nobody needs telling any more.
 */
export async function readWaitingConversation(db: Database, conversationId: number): Promise<WaitingConversation | undefined> {
  const [row] = await queryRows<WaitingConversation>(
    db,
    sql`
    select c.id::int as id, a.channel, a.name as "accountName", c.handoff_reason as "handoffReason",
           (select count(*)::int from conversations w
             where w.status = 'needs_human' and (w.waiting_since, w.id) <= (c.waiting_since, c.id)) as position,
           (select m.text from messages m
             where m.conversation_id = c.id and m.direction = 'in' and m.kind = 'text'
             order by m.id desc limit 1) as "lastCustomerText"
    from conversations c join channel_accounts a on a.id = c.channel_account_id
    where c.id = ${conversationId} and c.status = 'needs_human'`,
  );
  return row;
}
