import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { type PreparedStatement, runPrepared } from '../db/prepared-statement.ts';
import { deliveries } from '../db/schema.ts';
import { batchWhileBusy } from '../lib/batch-while-busy.ts';
import { flagForHuman } from './flag-for-human.ts';
import type { SendFence } from './send-fence.ts';
import { type Metrics, observeGroupCommit } from '../observability/metrics.ts';

export interface UnfinishedDelivery {
  id: number;
  messageId: number;
  part: number;
  body: string;
  status: 'pending' | 'sending';
  /** When the customer message this reply answers was stored: for reply latency. */
  askedAt: Date | null;
  /** Marked `sending` under this turn's fence by the statement that returned it (save-reply.ts): send it without marking again. */
  claimed?: true;
}

/** Per-row lookups by key whatever the table sizes (src/db/prepared-statement.ts). */
export const markSendingStatement: PreparedStatement = {
  name: 'mark_sending',
  text: `
    update deliveries d set status = 'sending', attempts = d.attempts + 1, updated_at = now()
    from unnest($1::bigint[], $2::bigint[], $3::bigint[]) as mark(id, conversation_id, fence)
    cross join lateral (select send_fence from conversations where id = mark.conversation_id limit 1) c
    where d.id = any(array[mark.id]) and c.send_fence = mark.fence
    returning d.id::float8 as id`,
};

/**
 * Recorded before the request leaves: a delivery found `sending` after a crash may have arrived.
 * Only under the current fence (send-fence.ts): returns the ids marked; one missing means its turn
 * lost the conversation to another and must not send it.
 */
export async function markSending(db: Database, marks: Array<{ id: number } & SendFence>): Promise<Set<number>> {
  const rows = await runPrepared<{ id: number }>(db, markSendingStatement, [
    marks.map((m) => m.id),
    marks.map((m) => m.conversationId),
    marks.map((m) => m.fence),
  ]);
  return new Set(rows.map((r) => r.id));
}

export interface SentDelivery {
  delivery: Pick<UnfinishedDelivery, 'id' | 'messageId'>;
  platformMessageId: string | undefined;
}

/**
 * Planned at each call (no name), like save-reply.ts: its updates by key are joins PostgreSQL plans
 * as scans of new, small tables, which a generic plan would keep once they are large.
 */
export const markSentStatement: PreparedStatement = {
  text: `
    with sent as (
      select * from unnest($1::bigint[], $2::bigint[], $3::text[]) as t(id, message_id, platform_message_id)
    ), marked as (
      update deliveries d set status = 'sent', platform_message_id = sent.platform_message_id, sent_at = now(), updated_at = now()
      from sent where d.id = sent.id
    )
    update messages m set status = 'sent'
    from sent
    where m.id = sent.message_id
      and not exists (select 1 from deliveries d where d.message_id = sent.message_id and d.id <> sent.id and d.status <> 'sent')`,
};

/**
 * One statement for any number of sent parts: each part is sent, and its message too once no
 * other part of it is left unsent. (Parts of one message are never marked in the same statement:
 * they leave one after another.)
 */
export async function markSent(db: Database, sent: SentDelivery[]): Promise<void> {
  await runPrepared(db, markSentStatement, [
    sent.map((s) => s.delivery.id),
    sent.map((s) => s.delivery.messageId),
    sent.map((s) => s.platformMessageId ?? null),
  ]);
}

export interface DeliveryMarks {
  /** False when the turn's fence has moved: the delivery was not marked and must not be sent. */
  sending(id: number, fence: SendFence): Promise<boolean>;
  sent(sent: SentDelivery): Promise<void>;
}

/**
 * The marks of a worker's concurrent turns share statements under load (group commit, see
 * src/lib/batch-while-busy.ts): two marks per reply part are most of a turn's writes.
 */
export function batchedDeliveryMarks(db: Database, metrics: Metrics): DeliveryMarks {
  const sending = batchWhileBusy(
    async (marks: Array<{ id: number } & SendFence>) => {
      const marked = await markSending(db, marks);
      return marks.map((m) => marked.has(m.id));
    },
    observeGroupCommit(metrics, 'deliveries_sending'),
  );
  const sent = batchWhileBusy(
    async (parts: SentDelivery[]) => {
      await markSent(db, parts);
      return parts.map(() => undefined);
    },
    observeGroupCommit(metrics, 'deliveries_sent'),
  );
  return { sending: (id, fence) => sending({ id, ...fence }), sent };
}

/** A retryable failure: back to pending with the error, for the next attempt. */
export async function markRetry(db: Database, id: number, code: string, error: string): Promise<void> {
  await db
    .update(deliveries)
    .set({ status: 'pending', lastErrorCode: code, lastError: error, updatedAt: sql`now()` })
    .where(eq(deliveries.id, id));
}

/**
 * A permanent failure. The parts after it are given up too (marked failed, "skipped"): sending
 * part 3 of a reply whose part 2 cannot arrive would only confuse the customer. The conversation is
 * flagged for a human in the same transaction: nobody ever sees the failure without the flag.
 */
export async function markFailed(db: Database, conversationId: number, failedId: number, code: string, error: string): Promise<void> {
  await db.transaction(async (tx) => {
    await tx
      .update(deliveries)
      .set({ status: 'failed', lastErrorCode: code, lastError: error, updatedAt: sql`now()` })
      .where(eq(deliveries.id, failedId));
    await tx
      .update(deliveries)
      .set({ status: 'failed', lastErrorCode: 'skipped', lastError: `not sent after delivery ${failedId} failed`, updatedAt: sql`now()` })
      .where(and(eq(deliveries.conversationId, conversationId), inArray(deliveries.status, ['pending', 'sending'])));
    // The reason goes on the message too, where the console shows it (e.g. "errcode 45015 (outside
    // the 48-hour reply window)"): the platform's words about the request, never the customer's.
    await tx.execute(sql`
      update messages m set status = 'failed',
        meta = m.meta || jsonb_build_object('deliveryError', jsonb_build_object('code', f.last_error_code, 'reason', f.last_error))
      from (
        select distinct on (message_id) message_id, last_error_code, last_error from deliveries
        where conversation_id = ${conversationId} and status = 'failed' order by message_id, id
      ) f
      where m.id = f.message_id and m.status = 'queued'`);
    await flagForHuman(tx, conversationId, `delivery_failed:${code}`);
  });
}
