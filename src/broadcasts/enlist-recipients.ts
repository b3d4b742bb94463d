import { eq, sql } from 'drizzle-orm';
import { type SegmentFilter, segmentCondition } from '../audience/segment-filter.ts';
import { segments } from '../db/schema.ts';
import type { Executor, Transaction } from '../db/transaction.ts';

/**
 * Lists a broadcast's recipients once, when its sending starts: the customers of its segment (as
 * the segment's filter reads then) or of any of its tags. One row per customer, so nobody is listed
 * twice however often this runs (the unique (broadcast, customer) index). Returns how many.
 */
export async function enlistRecipients(
  tx: Transaction,
  broadcast: { id: number; segmentId: number | null; tagIds: number[] | null },
): Promise<number> {
  const filter = await audienceFilter(tx, broadcast);
  // The segment was deleted before its broadcast started: nobody to send to.
  if (!filter) return 0;
  const result = await tx.execute(sql`
    insert into broadcast_recipients (broadcast_id, customer_id)
    select ${broadcast.id}, cu.id from customers cu join channel_accounts a on a.id = cu.channel_account_id
    where ${segmentCondition(filter)}
    order by cu.id
    on conflict (broadcast_id, customer_id) do nothing`);
  // node-postgres says rowCount, PGlite affectedRows.
  const done = result as unknown as { rowCount?: number | null; affectedRows?: number };
  return done.rowCount ?? done.affectedRows ?? 0;
}

/**
 * Who a broadcast goes to, as a filter over customer `cu` and its account `a` (segmentCondition):
 * any of its tags, or its segment's filter as it reads now; undefined when the segment is gone.
 * Enlisting and the forecast (forecast-broadcast.ts) both read it here.
 */
export async function audienceFilter(
  db: Executor,
  audience: { segmentId: number | null; tagIds: number[] | null },
): Promise<SegmentFilter | undefined> {
  if (audience.tagIds) return { tags: { any: audience.tagIds } };
  const [segment] = audience.segmentId
    ? await db.select({ filter: segments.filter }).from(segments).where(eq(segments.id, audience.segmentId))
    : [];
  return segment?.filter as SegmentFilter | undefined;
}
