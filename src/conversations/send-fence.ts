import { sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { queryRows } from '../db/rows.ts';

/**
 * Fencing tokens for the conversation lock. The Redis lock can expire under a turn that is still
 * running (a long pause, a Redis failover); the next holder then runs alongside it. Each turn that
 * takes the lock raises the conversation's `send_fence` and keeps the value; a delivery is marked
 * `sending` only in a statement that finds the fence unchanged (deliveries.ts, markSending), so a
 * superseded turn can no longer send. The counter lives in the database, beside what it guards:
 * it survives a Redis that lost its data.
 */
export async function raiseSendFences(db: Database, conversationIds: number[]): Promise<number[]> {
  const rows = await queryRows<{ id: string | number; fence: string | number }>(
    db,
    sql`update conversations set send_fence = send_fence + 1
        where id = any(${`{${conversationIds.join(',')}}`}::bigint[])
        returning id, send_fence as fence`,
  );
  const fences = new Map(rows.map((r) => [Number(r.id), Number(r.fence)]));
  // A conversation that does not exist gets no fence: the turn fails on loading it anyway.
  return conversationIds.map((id) => fences.get(id) ?? 0);
}

/** The turn's right to send for one conversation: the fence value it raised when it took the lock. */
export interface SendFence {
  conversationId: number;
  fence: number;
}

/** A turn found its fence moved: another turn holds the conversation now. Retried by the queue. */
export class SendFenceLostError extends Error {
  constructor(conversationId: number) {
    super(`conversation ${conversationId}: the lock passed to another turn; this turn sends nothing more`);
    this.name = 'SendFenceLostError';
  }
}
