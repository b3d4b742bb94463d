import { sql } from 'drizzle-orm';
import { syncChannelAccounts } from '../../src/conversations/channel-accounts.ts';
import type { DatabaseHandle } from '../../src/db/connect.ts';
import { queryRows } from '../../src/db/rows.ts';
import type { ConversationStatus } from '../../src/db/schema.ts';

export interface SeededConversation {
  channel?: 'wecom' | 'web';
  customer: string;
  displayName?: string;
  status: ConversationStatus;
  /** Minutes ago the conversation started waiting (needs_human). */
  waitingFor?: number;
  assignee?: number;
  /** Minutes ago its last message was. */
  lastMessageAgo: number;
  messages?: Array<{ sender: 'customer' | 'bot' | 'agent'; text: string; kind?: string }>;
}

/**
 * Conversations written straight into the tables, as the intake and the worker leave them, for the
 * inbox's tests: the state each view reads, without running the pipeline to reach it.
 */
export async function seedConversations(
  database: DatabaseHandle,
  conversations: SeededConversation[],
): Promise<Array<{ id: number; messageIds: number[] }>> {
  const accounts = await syncChannelAccounts(database.db, [
    { channel: 'wecom', name: 'default', settings: {} },
    { channel: 'web', name: 'default', settings: {} },
  ]);
  const seeded = [];
  for (const c of conversations) {
    const accountId = accounts.get(`${c.channel ?? 'wecom'}/default`)!;
    const [customer] = await queryRows<{ id: number }>(
      database.db,
      sql`insert into customers (channel_account_id, external_id, display_name)
          values (${accountId}, ${c.customer}, ${c.displayName ?? null}) returning id::int`,
    );
    const [conversation] = await queryRows<{ id: number }>(
      database.db,
      sql`insert into conversations (customer_id, channel_account_id, status, handoff_reason, waiting_since, assignee, last_message_at)
          values (${customer!.id}, ${accountId}, ${c.status}, ${c.status === 'needs_human' ? 'customer_asked' : null},
                  ${c.waitingFor === undefined ? null : sql`now() - ${`${c.waitingFor} minutes`}::interval`},
                  ${c.assignee === undefined ? null : String(c.assignee)}, now() - ${`${c.lastMessageAgo} minutes`}::interval)
          returning id::int`,
    );
    const messageIds: number[] = [];
    for (const m of c.messages ?? []) {
      const [message] = await queryRows<{ id: number }>(
        database.db,
        sql`insert into messages (conversation_id, channel_account_id, direction, sender, kind, text, content, status)
            values (${conversation!.id}, ${accountId}, ${m.sender === 'customer' ? 'in' : 'out'}, ${m.sender}, ${m.kind ?? 'text'},
                    ${m.text}, ${JSON.stringify({ type: m.kind ?? 'text', text: m.text })}::jsonb,
                    ${m.sender === 'customer' ? 'answered' : 'sent'})
            returning id::int`,
      );
      messageIds.push(message!.id);
    }
    seeded.push({ id: conversation!.id, messageIds });
  }
  return seeded;
}
