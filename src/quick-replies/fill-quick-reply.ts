import { eq } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { conversations, customers } from '../db/schema.ts';
import { readForStaff, type StaffActor } from '../conversations/staff-access.ts';
import { readQuickReply } from './quick-replies.ts';

/**
 * The placeholders a quick reply may hold. Filled on the server, in one place, so every client
 * (the console, an integration with an API token) sends the customer the same text.
 */
export const QUICK_REPLY_PLACEHOLDERS = {
  /** The customer's display name as the channel gave it; empty when it gave none. */
  customerName: '{客户名}',
  /** The display name of the staff member using the quick reply. */
  agentName: '{客服名}',
} as const;

/**
 * A quick reply's text for one conversation, placeholders filled, for the agent to edit and send
 * (it is not sent from here). The agent must be allowed to see the conversation.
 */
export async function fillQuickReply(
  db: Database,
  actor: StaffActor & { displayName: string },
  input: { conversationId: number; quickReplyId: number },
): Promise<{ text: string }> {
  await readForStaff(db, actor, input.conversationId);
  const reply = await readQuickReply(db, input.quickReplyId);
  const [customer] = await db
    .select({ name: customers.displayName })
    .from(conversations)
    .innerJoin(customers, eq(customers.id, conversations.customerId))
    .where(eq(conversations.id, input.conversationId));
  return {
    text: fillPlaceholders(reply.text, {
      [QUICK_REPLY_PLACEHOLDERS.customerName]: customer?.name ?? '',
      [QUICK_REPLY_PLACEHOLDERS.agentName]: actor.displayName,
    }),
  };
}

/** Replaces each placeholder with its value in one pass: a value that spells a placeholder stays as it is. */
export function fillPlaceholders(text: string, values: Record<string, string>): string {
  const names = Object.keys(values).map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return text.replace(new RegExp(names.join('|'), 'g'), (name) => values[name]!);
}
