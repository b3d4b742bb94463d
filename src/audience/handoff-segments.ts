import { inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { queryRows } from '../db/rows.ts';
import { segments } from '../db/schema.ts';
import { segmentCondition, segmentFilter } from './segment-filter.ts';

/** How long the segments' filters are reused: an edited segment applies to handoffs within this. */
const FILTERS_TTL_MS = 60_000;

/**
 * The segments whose customers go straight to a person (机器人设置 → 转人工规则): which of them,
 * if any, a customer is in. Asked on every turn of a bot conversation while some are set, so it is
 * one query by the customer's primary key, each segment's filter a condition on that one row; the
 * filters themselves are read at most once a minute, and again at once when the list changes.
 * A segment deleted since the list was saved matches nobody.
 */
export function handoffSegmentMatcher(db: Database, now: () => number = Date.now) {
  let cached: { key: string; at: number; filters: Array<{ id: number; filter: unknown }> } | undefined;

  async function filtersOf(segmentIds: readonly number[]) {
    const key = segmentIds.join(',');
    if (cached?.key === key && now() - cached.at < FILTERS_TTL_MS) return cached.filters;
    const rows = await db
      .select({ id: segments.id, filter: segments.filter })
      .from(segments)
      .where(inArray(segments.id, [...segmentIds]));
    // In the order the settings list them: the first a customer is in names the handoff.
    const filters = segmentIds.flatMap((id) => rows.filter((row) => row.id === id));
    cached = { key, at: now(), filters };
    return filters;
  }

  return async function firstSegmentOf(customerId: number, segmentIds: readonly number[]): Promise<number | undefined> {
    if (segmentIds.length === 0) return undefined;
    const filters = await filtersOf(segmentIds);
    if (filters.length === 0) return undefined;
    const cases = sql.join(
      filters.map(({ id, filter }) => sql`when ${segmentCondition(segmentFilter.parse(filter))} then ${id}::int`),
      sql` `,
    );
    const [row] = await queryRows<{ segment_id: number | null }>(
      db,
      sql`select case ${cases} end as segment_id
          from customers cu join channel_accounts a on a.id = cu.channel_account_id
          where cu.id = ${customerId}`,
    );
    return row?.segment_id ?? undefined;
  };
}

/** The ids among `segmentIds` that name no segment: a save that lists them is refused. */
export async function missingSegments(db: Database, segmentIds: readonly number[]): Promise<number[]> {
  if (segmentIds.length === 0) return [];
  const found = await db
    .select({ id: segments.id })
    .from(segments)
    .where(inArray(segments.id, [...segmentIds]));
  return segmentIds.filter((id) => !found.some((row) => row.id === id));
}
