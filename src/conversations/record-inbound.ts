import { sql } from 'drizzle-orm';
import type { InboundContent, InboundMessage } from '../channels/types.ts';
import type { Database } from '../db/connect.ts';
import { queryRows, storedAtMs } from '../db/rows.ts';

export type RecordResult = {
  duplicate: boolean;
  messageId: number;
  conversationId: number;
  storedAt: number;
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
 * Stores one inbound message with its customer and open conversation in ONE statement — this is
 * the callback's critical path, so it costs one round trip and is atomic by itself:
 * upsert the customer, find or open the conversation (the partial unique index allows one open per
 * customer), insert the message unless its (account, dedupe key) exists — a platform retry of a
 * stored callback reports a duplicate, so a message exists once and is answered once.
 */
export async function recordInbound(db: Database, channelAccountId: number, msg: InboundMessage): Promise<RecordResult> {
  const status = msg.content.type === 'event' ? 'ignored' : 'pending'; // events are history, not questions
  const statement = sql`
    with customer as (
      insert into customers (channel_account_id, external_id) values (${channelAccountId}, ${msg.customerExternalId})
      on conflict (channel_account_id, external_id) do update set last_seen_at = now()
      returning id
    ), open_conversation as (
      select c.id from conversations c, customer where c.customer_id = customer.id and c.status <> 'closed' limit 1
    ), opened as (
      insert into conversations (customer_id, channel_account_id)
      select customer.id, ${channelAccountId} from customer where not exists (select 1 from open_conversation)
      on conflict do nothing
      returning id
    ), conversation as (
      select id from open_conversation union all select id from opened
    ), touched as (
      update conversations set last_message_at = now(), updated_at = now() where id in (select id from open_conversation)
    ), message as (
      insert into messages (conversation_id, channel_account_id, direction, sender, kind, text, content, status, platform_message_id, dedupe_key, platform_sent_at)
      select conversation.id, ${channelAccountId}, 'in', 'customer', ${msg.content.type}, ${readableText(msg.content)}, ${JSON.stringify(msg.content)}::jsonb,
             ${status}, ${msg.platformMessageId ?? null}, ${msg.dedupeKey}, ${msg.sentAt.toISOString()}::timestamptz
      from conversation
      on conflict (channel_account_id, dedupe_key) do nothing
      returning id, conversation_id, created_at
    )
    select id::int as "messageId", conversation_id::int as "conversationId", ${storedAtMs('created_at')} from message`;
  const [inserted] = await queryRows<Omit<RecordResult, 'duplicate'>>(db, statement);
  if (inserted) return { duplicate: false, ...inserted };

  const [existing] = await queryRows<Omit<RecordResult, 'duplicate'>>(
    db,
    sql`select id::int as "messageId", conversation_id::int as "conversationId", ${storedAtMs('created_at')}, status = 'pending' as "stillPending" from messages
        where channel_account_id = ${channelAccountId} and dedupe_key = ${msg.dedupeKey}`,
  );
  if (existing) return { duplicate: true, ...existing };
  // Neither inserted nor found: a concurrent first message of the same customer opened the
  // conversation after this statement's snapshot. Now it is visible; go again.
  return recordInbound(db, channelAccountId, msg);
}

export interface InboundToRecord {
  channelAccountId: number;
  message: InboundMessage;
}

/**
 * `recordInbound` for many callbacks in ONE statement — what the intake's group commit runs under
 * load, so a burst of callbacks costs one round trip and one commit instead of one each. The rows
 * travel as one jsonb parameter. A message this statement did not insert — a retry of a stored
 * callback, the same callback twice in the batch, or a customer whose conversation a concurrent
 * statement just opened — goes through `recordInbound`, which tells those cases apart.
 */
export async function recordInboundBatch(db: Database, batch: InboundToRecord[]): Promise<RecordResult[]> {
  const rows = batch.map(({ channelAccountId, message }, ord) => ({
    ord,
    account_id: channelAccountId,
    external_id: message.customerExternalId,
    kind: message.content.type,
    text: readableText(message.content),
    content: message.content,
    status: message.content.type === 'event' ? 'ignored' : 'pending',
    platform_message_id: message.platformMessageId ?? null,
    dedupe_key: message.dedupeKey,
    sent_at: message.sentAt.toISOString(),
  }));
  const statement = sql`
    with input as (
      select * from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as t(ord int, account_id int, external_id text, kind text, text text,
        content jsonb, status text, platform_message_id text, dedupe_key text, sent_at timestamptz)
    ), customer as (
      insert into customers (channel_account_id, external_id) select distinct account_id, external_id from input
      on conflict (channel_account_id, external_id) do update set last_seen_at = now()
      returning id, channel_account_id, external_id
    ), open_conversation as (
      select c.id, c.customer_id from conversations c join customer on c.customer_id = customer.id where c.status <> 'closed'
    ), opened as (
      insert into conversations (customer_id, channel_account_id)
      select customer.id, customer.channel_account_id from customer
      where not exists (select 1 from open_conversation o where o.customer_id = customer.id)
      on conflict do nothing
      returning id, customer_id
    ), conversation as (
      select id, customer_id from open_conversation union all select id, customer_id from opened
    ), touched as (
      update conversations set last_message_at = now(), updated_at = now() where id in (select id from open_conversation)
    ), message as (
      insert into messages (conversation_id, channel_account_id, direction, sender, kind, text, content, status, platform_message_id, dedupe_key, platform_sent_at)
      select conversation.id, input.account_id, 'in', 'customer', input.kind, input.text, input.content, input.status, input.platform_message_id, input.dedupe_key, input.sent_at
      from input
      join customer on customer.channel_account_id = input.account_id and customer.external_id = input.external_id
      join conversation on conversation.customer_id = customer.id
      order by input.ord
      on conflict (channel_account_id, dedupe_key) do nothing
      returning id, conversation_id, created_at, channel_account_id, dedupe_key
    )
    select id::int as "messageId", conversation_id::int as "conversationId", ${storedAtMs('created_at')}, channel_account_id as "accountId", dedupe_key as "dedupeKey"
    from message`;
  const inserted = new Map<string, RecordResult>();
  for (const row of await queryRows<Omit<RecordResult, 'duplicate'> & { accountId: number; dedupeKey: string }>(db, statement)) {
    const { accountId, dedupeKey, ...result } = row;
    inserted.set(`${accountId}:${dedupeKey}`, { duplicate: false, ...result });
  }
  return Promise.all(
    batch.map(({ channelAccountId, message }) => {
      const key = `${channelAccountId}:${message.dedupeKey}`;
      const result = inserted.get(key);
      inserted.delete(key); // the same callback twice in one batch: the second one is a duplicate
      return result ?? recordInbound(db, channelAccountId, message);
    }),
  );
}
