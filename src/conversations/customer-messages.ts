import { and, asc, desc, eq, gt, inArray, lt, or, type SQL } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { conversations, customers, deliveries, messages } from '../db/schema.ts';

/**
 * A customer's own messages and the replies to them, across all their conversations — always
 * filtered by (channel account, customer's external id), so one customer can never read another's.
 * Ordered by message id (the web stream's event ids).
 */
export type MessageRow = typeof messages.$inferSelect;

export type SeenMessage = Pick<
  MessageRow,
  'id' | 'sender' | 'kind' | 'text' | 'content' | 'platformMessageId' | 'direction' | 'replyToId' | 'createdAt'
>;

export interface CustomerRef {
  channelAccountId: number;
  externalId: string;
}

// Inbound messages are always visible; replies once stored for sending (a failed one never reached anybody).
const visible = or(eq(messages.direction, 'in'), inArray(messages.status, ['queued', 'sent']));

function selectSeen(
  db: Database,
  customer: CustomerRef,
  range: SQL | undefined,
  order: 'asc' | 'desc',
  limit: number,
): Promise<SeenMessage[]> {
  return db
    .select({
      id: messages.id,
      sender: messages.sender,
      kind: messages.kind,
      text: messages.text,
      content: messages.content,
      platformMessageId: messages.platformMessageId,
      direction: messages.direction,
      replyToId: messages.replyToId,
      createdAt: messages.createdAt,
    })
    .from(messages)
    .innerJoin(conversations, eq(conversations.id, messages.conversationId))
    .innerJoin(customers, eq(customers.id, conversations.customerId))
    .where(and(eq(customers.channelAccountId, customer.channelAccountId), eq(customers.externalId, customer.externalId), visible, range))
    .orderBy(order === 'asc' ? asc(messages.id) : desc(messages.id))
    .limit(limit);
}

/** The newest `limit` messages before `beforeId` (or the newest of all), oldest first. */
export async function listCustomerMessagesBefore(
  db: Database,
  customer: CustomerRef,
  beforeId: number | undefined,
  limit: number,
): Promise<SeenMessage[]> {
  const rows = await selectSeen(db, customer, beforeId ? lt(messages.id, beforeId) : undefined, 'desc', limit);
  return rows.reverse();
}

/** Everything after `afterId`, oldest first: what a reconnecting stream missed. */
export function listCustomerMessagesAfter(db: Database, customer: CustomerRef, afterId: number, limit: number): Promise<SeenMessage[]> {
  return selectSeen(db, customer, gt(messages.id, afterId), 'asc', limit);
}

export async function findMessage(db: Database, id: number): Promise<MessageRow | undefined> {
  const [row] = await db.select().from(messages).where(eq(messages.id, id));
  return row;
}

/** The reply a delivery belongs to. */
export async function findMessageOfDelivery(db: Database, deliveryId: number): Promise<MessageRow | undefined> {
  const [row] = await db
    .select({ message: messages })
    .from(deliveries)
    .innerJoin(messages, eq(messages.id, deliveries.messageId))
    .where(eq(deliveries.id, deliveryId));
  return row?.message;
}

/** A message already stored under this dedupe key (a retried request), if any. */
export async function findMessageByDedupeKey(db: Database, channelAccountId: number, dedupeKey: string): Promise<MessageRow | undefined> {
  const [row] = await db
    .select()
    .from(messages)
    .where(and(eq(messages.channelAccountId, channelAccountId), eq(messages.dedupeKey, dedupeKey)));
  return row;
}
