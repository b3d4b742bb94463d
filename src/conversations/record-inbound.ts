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
 * Stores one inbound message with its customer and open conversation, atomically. A retry of a
 * callback already stored hits the (account, dedupe key) unique index and reports a duplicate:
 * whatever the platform resends, a message exists once and so is answered once.
 *
 * Callbacks wait on this before their ack, so the common case is one statement (one round trip);
 * the transaction below handles what one snapshot cannot: two first messages of one customer
 * opening its conversation at the same moment.
 */
export async function recordInbound(db: Database, channelAccountId: number, msg: InboundMessage): Promise<RecordResult> {
  return (await recordInOneStatement(db, channelAccountId, msg)) ?? recordInTransaction(db, channelAccountId, msg);
}

/**
 * The common case of recordInbound in one statement (one round trip, no BEGIN/COMMIT): upsert the
 * customer, find or open its conversation, insert the message, touch the conversation. A single
 * statement is atomic, so the guarantees are the transaction's. Returns undefined when the
 * conversation could not be found or opened in this snapshot (two first messages of one customer
 * racing): the caller falls back to the transaction, which resolves that race.
 */
async function recordInOneStatement(db: Database, channelAccountId: number, msg: InboundMessage): Promise<RecordResult | undefined> {
  const status = msg.content.type === 'event' ? 'ignored' : 'pending';
  const result = await db.execute(sql`
    with cust as (
      insert into customers (channel_account_id, external_id) values (${channelAccountId}::int, ${msg.customerExternalId}::text)
      on conflict (channel_account_id, external_id) do update set last_seen_at = now()
      returning id
    ), open_conv as (
      select c.id from conversations c join cust on c.customer_id = cust.id where c.status <> 'closed' limit 1
    ), new_conv as (
      insert into conversations (customer_id, channel_account_id)
      select id, ${channelAccountId}::int from cust where not exists (select 1 from open_conv)
      on conflict do nothing
      returning id
    ), conv as (
      select id from open_conv union all select id from new_conv
    ), msg as (
      insert into messages (conversation_id, channel_account_id, direction, sender, kind, text, content, status, platform_message_id, dedupe_key, platform_sent_at)
      select id, ${channelAccountId}::int, 'in', 'customer', ${msg.content.type}::text, ${readableText(msg.content)}::text, ${JSON.stringify(msg.content)}::jsonb,
             ${status}::text, ${msg.platformMessageId ?? null}::text, ${msg.dedupeKey}::text, ${msg.sentAt.toISOString()}::timestamptz
      from conv limit 1
      on conflict (channel_account_id, dedupe_key) do nothing
      returning id, conversation_id
    ), touched as (
      update conversations set last_message_at = now(), updated_at = now()
      where id in (select conversation_id from msg) and id in (select id from open_conv)
      returning id
    ), existing as (
      select id, conversation_id, status from messages
      where channel_account_id = ${channelAccountId}::int and dedupe_key = ${msg.dedupeKey}::text and not exists (select 1 from msg)
    )
    select
      (select id from msg) as message_id,
      (select conversation_id from msg) as conversation_id,
      (select id from existing) as existing_id,
      (select conversation_id from existing) as existing_conversation_id,
      (select status from existing) as existing_status,
      (select count(*) from touched) as touched`);
  const row = (result as unknown as { rows: Array<Record<string, string | number | null>> }).rows[0]!;
  if (row.message_id != null) return { duplicate: false, messageId: Number(row.message_id), conversationId: Number(row.conversation_id) };
  if (row.existing_id != null) {
    return { duplicate: true, messageId: Number(row.existing_id), conversationId: Number(row.existing_conversation_id), stillPending: row.existing_status === 'pending' };
  }
  return undefined;
}

/** The general case, statement by statement in one transaction. */
async function recordInTransaction(db: Database, channelAccountId: number, msg: InboundMessage): Promise<RecordResult> {
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
