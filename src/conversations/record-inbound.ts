import { and, eq, ne, sql } from 'drizzle-orm';
import type { InboundContent, InboundMessage } from '../channels/types.ts';
import type { Database } from '../db/connect.ts';
import { conversations, customers, messages } from '../db/schema.ts';

export type RecordResult = {
  duplicate: boolean;
  messageId: number;
  conversationId: number;
  /** A duplicate whose original is still waiting for an answer (it may never have been queued). */
  stillPending?: boolean;
};

/** The text the brain and agents read for a piece of content. */
export function readableText(content: InboundContent): string {
  switch (content.type) {
    case 'text':
      return content.text;
    case 'voice':
      return content.recognition ?? '';
    case 'link':
      return content.title;
    case 'location':
      return content.label ?? '';
    default:
      return '';
  }
}

/**
 * Stores one inbound message with its customer and open conversation, in one transaction. A retry
 * of a callback already stored hits the (account, dedupe key) unique index and reports a duplicate:
 * whatever the platform resends, a message exists once and so is answered once.
 */
export async function recordInbound(db: Database, channelAccountId: number, msg: InboundMessage): Promise<RecordResult> {
  return db.transaction(async (tx) => {
    const [customer] = await tx
      .insert(customers)
      .values({ channelAccountId, externalId: msg.customerExternalId })
      .onConflictDoUpdate({ target: [customers.channelAccountId, customers.externalId], set: { lastSeenAt: sql`now()` } })
      .returning({ id: customers.id });
    const customerId = customer!.id;

    const openConversation = () =>
      tx
        .select({ id: conversations.id })
        .from(conversations)
        .where(and(eq(conversations.customerId, customerId), ne(conversations.status, 'closed')))
        .limit(1);
    let [conversation] = await openConversation();
    if (!conversation) {
      // The partial unique index allows one open conversation per customer; a concurrent first
      // message of the same customer loses the insert and reads the winner's row.
      [conversation] = await tx.insert(conversations).values({ customerId, channelAccountId }).onConflictDoNothing().returning({ id: conversations.id });
      if (!conversation) [conversation] = await openConversation();
    }
    const conversationId = conversation!.id;

    const [inserted] = await tx
      .insert(messages)
      .values({
        conversationId,
        channelAccountId,
        direction: 'in',
        sender: 'customer',
        kind: msg.content.type,
        text: readableText(msg.content),
        content: msg.content as unknown as Record<string, unknown>,
        // Events are recorded for the history; the bot answers messages, not events.
        status: msg.content.type === 'event' ? 'ignored' : 'pending',
        platformMessageId: msg.platformMessageId,
        dedupeKey: msg.dedupeKey,
        platformSentAt: msg.sentAt,
      })
      .onConflictDoNothing({ target: [messages.channelAccountId, messages.dedupeKey] })
      .returning({ id: messages.id });
    if (!inserted) {
      const [existing] = await tx
        .select({ id: messages.id, conversationId: messages.conversationId, status: messages.status })
        .from(messages)
        .where(and(eq(messages.channelAccountId, channelAccountId), eq(messages.dedupeKey, msg.dedupeKey)));
      return { duplicate: true, messageId: existing!.id, conversationId: existing!.conversationId, stillPending: existing!.status === 'pending' };
    }
    await tx.update(conversations).set({ lastMessageAt: sql`now()`, updatedAt: sql`now()` }).where(eq(conversations.id, conversationId));
    return { duplicate: false, messageId: inserted.id, conversationId };
  });
}
