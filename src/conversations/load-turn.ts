import { and, asc, desc, eq, inArray, lt } from 'drizzle-orm';
import type { ChannelKind } from '../channels/types.ts';
import type { Database } from '../db/connect.ts';
import { channelAccounts, conversations, customers, messages, type ConversationStatus } from '../db/schema.ts';

export interface ConversationHeader {
  id: number;
  status: ConversationStatus;
  channel: ChannelKind;
  accountName: string;
  customerId: number;
  customerExternalId: string;
  customerName: string | null;
  knowledgeBase: string;
}

export interface StoredMessage {
  id: number;
  direction: 'in' | 'out';
  sender: string;
  kind: string;
  text: string;
  createdAt: Date;
}

export async function loadConversationHeader(db: Database, conversationId: number): Promise<ConversationHeader | undefined> {
  const [row] = await db
    .select({
      id: conversations.id,
      status: conversations.status,
      channel: channelAccounts.channel,
      accountName: channelAccounts.name,
      accountSettings: channelAccounts.settings,
      customerId: customers.id,
      customerExternalId: customers.externalId,
      customerName: customers.displayName,
    })
    .from(conversations)
    .innerJoin(customers, eq(customers.id, conversations.customerId))
    .innerJoin(channelAccounts, eq(channelAccounts.id, conversations.channelAccountId))
    .where(eq(conversations.id, conversationId));
  if (!row) return undefined;
  const { accountSettings, ...header } = row;
  const knowledgeBase = typeof accountSettings.knowledgeBase === 'string' ? accountSettings.knowledgeBase : 'default';
  return { ...header, channel: header.channel as ChannelKind, knowledgeBase };
}

const storedMessageColumns = {
  id: messages.id,
  direction: messages.direction,
  sender: messages.sender,
  kind: messages.kind,
  text: messages.text,
  createdAt: messages.createdAt,
};

function toStored(
  rows: Array<{ id: number; direction: 'in' | 'out'; sender: string; kind: string; text: string | null; createdAt: Date }>,
): StoredMessage[] {
  return rows.map((r) => ({ ...r, text: r.text ?? '' }));
}

/** Inbound messages not yet answered, oldest first: the customer's turn. */
export async function loadPendingMessages(db: Database, conversationId: number): Promise<StoredMessage[]> {
  return toStored(
    await db
      .select(storedMessageColumns)
      .from(messages)
      .where(and(eq(messages.conversationId, conversationId), eq(messages.direction, 'in'), eq(messages.status, 'pending')))
      .orderBy(asc(messages.id)),
  );
}

/** The last `limit` messages before `beforeId`, oldest first: what the brain remembers. */
export async function loadHistory(db: Database, conversationId: number, beforeId: number, limit: number): Promise<StoredMessage[]> {
  const rows = await db
    .select(storedMessageColumns)
    .from(messages)
    .where(
      and(eq(messages.conversationId, conversationId), lt(messages.id, beforeId), inArray(messages.status, ['answered', 'sent', 'held'])),
    )
    .orderBy(desc(messages.id))
    .limit(limit);
  return toStored(rows.reverse());
}
