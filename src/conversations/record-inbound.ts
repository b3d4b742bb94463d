import { sql } from 'drizzle-orm';
import type { InboundContent, InboundMessage } from '../channels/types.ts';
import type { Database } from '../db/connect.ts';
import { jsonRecords, queryRows, storedAtMs } from '../db/rows.ts';

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

export interface InboundToRecord {
  channelAccountId: number;
  message: InboundMessage;
}

/** Stores one inbound message (see recordInboundBatch). */
export async function recordInbound(db: Database, channelAccountId: number, message: InboundMessage): Promise<RecordResult> {
  const [result] = await recordInboundBatch(db, [{ channelAccountId, message }]);
  return result!;
}

type StoredRow = Omit<RecordResult, 'duplicate'> & { accountId: number; dedupeKey: string; duplicate: boolean };

/**
 * Stores inbound messages with their customers and open conversations in ONE statement — the
 * callback's critical path, so it costs one round trip and one commit, for one callback or for all
 * the callbacks the intake's group commit gathered. The rows travel as one jsonb parameter. The
 * statement upserts the customers, finds or opens their conversations (the partial unique index
 * allows one open per customer), inserts each message unless its (account, dedupe key) exists, and
 * returns the stored message of every retry — a platform retry of a stored callback is a
 * duplicate, so a message exists once and is answered once. The same callback twice in one batch:
 * the second is a duplicate of the first.
 */
export async function recordInboundBatch(db: Database, batch: InboundToRecord[]): Promise<RecordResult[]> {
  const rows = batch.map(({ channelAccountId, message }, ord) => ({
    ord,
    account_id: channelAccountId,
    external_id: message.customerExternalId,
    kind: message.content.type,
    text: readableText(message.content),
    content: message.content,
    status: message.content.type === 'event' ? 'ignored' : 'pending', // events are history, not questions
    platform_message_id: message.platformMessageId ?? null,
    dedupe_key: message.dedupeKey,
    sent_at: message.sentAt.toISOString(),
  }));
  const statement = sql`
    with input as (
      ${jsonRecords(
        rows,
        'ord int, account_id int, external_id text, kind text, text text, content jsonb, status text, platform_message_id text, dedupe_key text, sent_at timestamptz',
      )}
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
      returning id, conversation_id, created_at, channel_account_id, dedupe_key, status
    )
    select id::int as "messageId", conversation_id::int as "conversationId", ${storedAtMs('created_at')},
           channel_account_id as "accountId", dedupe_key as "dedupeKey", false as duplicate, status = 'pending' as "stillPending"
    from message
    union all
    -- Stored before this statement (its snapshot cannot see what "message" inserts): retries.
    -- Lateral: one index lookup per callback, whatever the planner guesses of the jsonb rows.
    select m.id::int, m.conversation_id::int, ${storedAtMs('m.created_at')}, m.channel_account_id, m.dedupe_key, true, m.status = 'pending'
    from input cross join lateral (
      select * from messages where channel_account_id = input.account_id and dedupe_key = input.dedupe_key
    ) m`;
  const stored = new Map<string, StoredRow>();
  for (const row of await queryRows<StoredRow>(db, statement)) stored.set(`${row.accountId}:${row.dedupeKey}`, row);

  const claimed = new Set<string>();
  const raced: number[] = [];
  const results = batch.map(({ channelAccountId, message }, i): RecordResult | undefined => {
    const key = `${channelAccountId}:${message.dedupeKey}`;
    const row = stored.get(key);
    if (!row) {
      // Neither inserted nor found: a concurrent first message of the same customer opened the
      // conversation after this statement's snapshot. Now it is visible; go again.
      raced.push(i);
      return undefined;
    }
    const { accountId: _, dedupeKey: __, duplicate, stillPending, ...ids } = row;
    const repeated = claimed.has(key);
    claimed.add(key);
    return { ...ids, duplicate: duplicate || repeated, ...((duplicate || repeated) && { stillPending }) };
  });
  if (raced.length > 0) {
    const again = await recordInboundBatch(
      db,
      raced.map((i) => batch[i]!),
    );
    raced.forEach((i, j) => {
      results[i] = again[j];
    });
  }
  return results as RecordResult[];
}
