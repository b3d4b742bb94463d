import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { deliveries } from '../db/schema.ts';

export interface UnfinishedDelivery {
  id: number;
  messageId: number;
  part: number;
  body: string;
  status: 'pending' | 'sending';
  /** When the customer message this reply answers was stored: for reply latency. */
  askedAt: Date | null;
}

/** Recorded before the request leaves: a delivery found `sending` after a crash may have arrived. */
export async function markSending(db: Database, id: number): Promise<void> {
  await db
    .update(deliveries)
    .set({ status: 'sending', attempts: sql`${deliveries.attempts} + 1`, updatedAt: sql`now()` })
    .where(eq(deliveries.id, id));
}

export async function markSent(db: Database, delivery: UnfinishedDelivery, platformMessageId: string | undefined): Promise<void> {
  // One statement: the part is sent, and its message too once no other part is left unsent.
  await db.execute(sql`
    with sent as (
      update deliveries set status = 'sent', platform_message_id = ${platformMessageId ?? null}, sent_at = now(), updated_at = now()
      where id = ${delivery.id}
    )
    update messages set status = 'sent'
    where id = ${delivery.messageId}
      and not exists (select 1 from deliveries where message_id = ${delivery.messageId} and id <> ${delivery.id} and status <> 'sent')`);
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
 * part 3 of a reply whose part 2 cannot arrive would only confuse the customer.
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
    await tx.execute(sql`
      update messages set status = 'failed'
      where id in (select message_id from deliveries where conversation_id = ${conversationId} and status = 'failed')
        and status = 'queued'`);
  });
}
