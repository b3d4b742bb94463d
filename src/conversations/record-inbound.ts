import type { InboundContent, InboundMessage } from '../channels/types.ts';
import type { Database } from '../db/connect.ts';
import { type PreparedStatement, runPrepared } from '../db/prepared-statement.ts';
import { storedAtMsText } from '../db/rows.ts';

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
 * Every step is keyed by a unique index, so its plan is the same on a new table and a large one:
 * customers and the open conversation are upserts on their unique keys (the partial unique index
 * allows one open conversation per customer: a found one is touched, a missing one opened, in one
 * step and without a race), the message an insert that its (account, dedupe key) index makes a
 * no-op for a retry, and a retry's stored message one probe of that index per callback (the
 * lateral subquery with its limit stays a per-row probe; joined, the planner could pick a scan).
 */
export const recordInboundStatement: PreparedStatement = {
  name: 'record_inbound',
  text: `
    with input as (
      select * from unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::jsonb[], $6::text[], $7::text[], $8::text[], $9::timestamptz[])
        with ordinality as t(account_id, external_id, kind, text, content, status, platform_message_id, dedupe_key, sent_at, ord)
    ), customer as (
      insert into customers (channel_account_id, external_id)
      select distinct account_id, external_id from input order by account_id, external_id
      on conflict (channel_account_id, external_id) do update set last_seen_at = now()
      returning id, channel_account_id, external_id
    ), conversation as (
      insert into conversations (customer_id, channel_account_id)
      select id, channel_account_id from customer order by id
      on conflict (customer_id) where status <> 'closed' do update set last_message_at = now(), updated_at = now()
      returning id, customer_id
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
    select id::int as "messageId", conversation_id::int as "conversationId", ${storedAtMsText('created_at')},
           channel_account_id as "accountId", dedupe_key as "dedupeKey", false as duplicate, status = 'pending' as "stillPending"
    from message
    union all
    -- Stored before this statement (its snapshot cannot see what "message" inserts): retries.
    select m.id::int, m.conversation_id::int, ${storedAtMsText('m.created_at')}, m.channel_account_id, m.dedupe_key, true, m.status = 'pending'
    from input cross join lateral (
      select id, conversation_id, created_at, channel_account_id, dedupe_key, status from messages
      where channel_account_id = input.account_id and dedupe_key = input.dedupe_key limit 1
    ) m`,
};

/**
 * Stores inbound messages with their customers and open conversations in ONE statement — the
 * callback's critical path, so it costs one round trip and one commit, for one callback or for all
 * the callbacks the intake's group commit gathered (each column of the rows one array parameter).
 * It upserts the customers, finds or opens their conversations, inserts each message unless its
 * (account, dedupe key) exists, and returns the stored message of every retry — a platform retry
 * of a stored callback is a duplicate, so a message exists once and is answered once. The same
 * callback twice in one batch: the second is a duplicate of the first.
 */
export async function recordInboundBatch(db: Database, batch: InboundToRecord[]): Promise<RecordResult[]> {
  const column = <T>(of: (message: InboundMessage, accountId: number) => T) =>
    batch.map(({ channelAccountId, message }) => of(message, channelAccountId));
  const stored = new Map<string, StoredRow>();
  const rows = await runPrepared<StoredRow>(db, recordInboundStatement, [
    column((_, accountId) => accountId),
    column((m) => m.customerExternalId),
    column((m) => m.content.type),
    column((m) => readableText(m.content)),
    column((m) => m.content),
    column((m) => (m.content.type === 'event' ? 'ignored' : 'pending')), // events are history, not questions
    column((m) => m.platformMessageId ?? null),
    column((m) => m.dedupeKey),
    column((m) => m.sentAt.toISOString()),
  ]);
  for (const row of rows) stored.set(`${row.accountId}:${row.dedupeKey}`, row);

  const claimed = new Set<string>();
  const raced: number[] = [];
  const results = batch.map(({ channelAccountId, message }, i): RecordResult | undefined => {
    const key = `${channelAccountId}:${message.dedupeKey}`;
    const row = stored.get(key);
    if (!row) {
      // Neither inserted nor found: the same callback, retried to another api process at once, was
      // stored by a statement that committed after this one's snapshot. Now it is visible; go again.
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
