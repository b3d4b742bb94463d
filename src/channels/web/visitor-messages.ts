import { and, asc, desc, eq, gt, inArray, lt, or, type SQL } from 'drizzle-orm';
import type { Database } from '../../db/connect.ts';
import { channelAccounts, conversations, customers, deliveries, messages } from '../../db/schema.ts';
import type { WireMessage } from './stream-events.ts';

/**
 * What a visitor may read: their own messages and the replies to them, across all their
 * conversations — always filtered by (widget account, visitor id) from the session token, so one
 * visitor can never read another's. Ordered by message id: ids are the stream's event ids.
 */
type MessageRow = typeof messages.$inferSelect;

export function toWireMessage(
  row: Pick<MessageRow, 'id' | 'sender' | 'kind' | 'text' | 'content' | 'platformMessageId' | 'direction' | 'replyToId' | 'createdAt'>,
): WireMessage {
  const content = row.content as { url?: string; fileName?: string };
  return {
    id: row.id,
    from: row.sender as WireMessage['from'],
    kind: row.kind,
    text: row.text ?? '',
    ...(row.direction === 'in' && row.platformMessageId ? { clientId: row.platformMessageId } : {}),
    ...(content.url ? { attachment: { url: content.url, ...(content.fileName ? { name: content.fileName } : {}) } } : {}),
    ...(row.direction === 'out' && row.replyToId ? { replyTo: row.replyToId } : {}),
    at: row.createdAt.toISOString(),
  };
}

// Inbound messages are always visible; replies once stored for sending (a failed one never reached anybody).
const visible = or(eq(messages.direction, 'in'), inArray(messages.status, ['queued', 'sent']));

export function createVisitorMessages(db: Database) {
  const accountIds = new Map<string, number>();

  async function accountId(accountName: string): Promise<number> {
    const cached = accountIds.get(accountName);
    if (cached !== undefined) return cached;
    const [row] = await db
      .select({ id: channelAccounts.id })
      .from(channelAccounts)
      .where(and(eq(channelAccounts.channel, 'web'), eq(channelAccounts.name, accountName)));
    if (!row) throw new Error(`web account "${accountName}" is not registered`);
    accountIds.set(accountName, row.id);
    return row.id;
  }

  async function select(
    accountName: string,
    visitorId: string,
    range: SQL | undefined,
    order: 'asc' | 'desc',
    limit: number,
  ): Promise<WireMessage[]> {
    const rows = await db
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
      .where(and(eq(customers.channelAccountId, await accountId(accountName)), eq(customers.externalId, visitorId), visible, range))
      .orderBy(order === 'asc' ? asc(messages.id) : desc(messages.id))
      .limit(limit);
    return rows.map(toWireMessage);
  }

  return {
    accountId,
    /** The newest `limit` messages before `beforeId` (or the newest of all), oldest first. */
    async page(accountName: string, visitorId: string, beforeId: number | undefined, limit: number): Promise<WireMessage[]> {
      const rows = await select(accountName, visitorId, beforeId ? lt(messages.id, beforeId) : undefined, 'desc', limit);
      return rows.reverse();
    },
    /** Everything after `afterId`, oldest first: what a reconnecting stream missed. */
    after(accountName: string, visitorId: string, afterId: number, limit: number): Promise<WireMessage[]> {
      return select(accountName, visitorId, gt(messages.id, afterId), 'asc', limit);
    },
    async byId(id: number): Promise<WireMessage | undefined> {
      const [row] = await db.select().from(messages).where(eq(messages.id, id));
      return row && toWireMessage(row);
    },
    /** The reply a delivery belongs to: the web "send" publishes the whole stored message. */
    async forDelivery(deliveryId: number): Promise<WireMessage | undefined> {
      const [row] = await db
        .select({ message: messages })
        .from(deliveries)
        .innerJoin(messages, eq(messages.id, deliveries.messageId))
        .where(eq(deliveries.id, deliveryId));
      return row && toWireMessage(row.message);
    },
    /** A message already stored under this dedupe key (a retried POST), if any. */
    async byDedupeKey(accountName: string, dedupeKey: string): Promise<WireMessage | undefined> {
      const [row] = await db
        .select()
        .from(messages)
        .where(and(eq(messages.channelAccountId, await accountId(accountName)), eq(messages.dedupeKey, dedupeKey)));
      return row && toWireMessage(row);
    },
  };
}

export type VisitorMessages = ReturnType<typeof createVisitorMessages>;
