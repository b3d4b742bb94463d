import { findChannelAccountId } from '../../conversations/channel-accounts.ts';
import {
  findMessage,
  findMessageByDedupeKey,
  findMessageOfDelivery,
  listCustomerMessagesAfter,
  listCustomerMessagesBefore,
  type SeenMessage,
} from '../../conversations/customer-messages.ts';
import { type AnswerRating, recordAnswerFeedback } from '../../conversations/record-answer-feedback.ts';
import type { Database } from '../../db/connect.ts';
import type { WireMessage } from './stream-events.ts';

/** A stored message as the widget receives it. */
export function toWireMessage(row: SeenMessage): WireMessage {
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

/**
 * What a visitor may read: their own messages and the replies to them, across all their
 * conversations — always filtered by (widget account, visitor id) from the session token, so one
 * visitor can never read another's. Ordered by message id: ids are the stream's event ids.
 */
export function createVisitorMessages(db: Database) {
  const accountIds = new Map<string, number>();

  async function accountId(accountName: string): Promise<number> {
    const cached = accountIds.get(accountName);
    if (cached !== undefined) return cached;
    const id = await findChannelAccountId(db, 'web', accountName);
    if (id === undefined) throw new Error(`web account "${accountName}" is not registered`);
    accountIds.set(accountName, id);
    return id;
  }

  const visitor = async (accountName: string, visitorId: string) => ({
    channelAccountId: await accountId(accountName),
    externalId: visitorId,
  });

  return {
    accountId,
    /** The newest `limit` messages before `beforeId` (or the newest of all), oldest first. */
    async page(accountName: string, visitorId: string, beforeId: number | undefined, limit: number): Promise<WireMessage[]> {
      const rows = await listCustomerMessagesBefore(db, await visitor(accountName, visitorId), beforeId, limit);
      return rows.map(toWireMessage);
    },
    /** Everything after `afterId`, oldest first: what a reconnecting stream missed. */
    async after(accountName: string, visitorId: string, afterId: number, limit: number): Promise<WireMessage[]> {
      const rows = await listCustomerMessagesAfter(db, await visitor(accountName, visitorId), afterId, limit);
      return rows.map(toWireMessage);
    },
    async byId(id: number): Promise<WireMessage | undefined> {
      const row = await findMessage(db, id);
      return row && toWireMessage(row);
    },
    /** The reply a delivery belongs to: the web "send" publishes the whole stored message. */
    async forDelivery(deliveryId: number): Promise<WireMessage | undefined> {
      const row = await findMessageOfDelivery(db, deliveryId);
      return row && toWireMessage(row);
    },
    /** The visitor's 👍/👎 on a bot answer they were given (404 for any other message). */
    async rate(accountName: string, visitorId: string, messageId: number, rating: AnswerRating) {
      return recordAnswerFeedback(db, { messageId, rating, source: 'web', from: await visitor(accountName, visitorId) });
    },
    /** A message already stored under this dedupe key (a retried POST), if any. */
    async byDedupeKey(accountName: string, dedupeKey: string): Promise<WireMessage | undefined> {
      const row = await findMessageByDedupeKey(db, await accountId(accountName), dedupeKey);
      return row && toWireMessage(row);
    },
  };
}

export type VisitorMessages = ReturnType<typeof createVisitorMessages>;
