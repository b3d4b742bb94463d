import { asc, isNotNull, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { segments } from '../db/schema.ts';
import { segmentCondition, segmentFilter } from './segment-filter.ts';

/**
 * Routing by segment (docs/marketing.md, "Routing"): a conversation that waits for a person, and
 * nobody has yet, goes to the team of the first routing segment (lowest priority number, then
 * oldest) its customer belongs to — VIP → senior agents, 发票 → finance. It runs before round-robin
 * assignment, so the team's members get it. Customers in no routing segment keep the account's
 * team. Returns the conversations it moved.
 */
export async function routeBySegments(db: Database, conversationIds: readonly number[]): Promise<number[]> {
  if (conversationIds.length === 0) return [];
  const routes = await db
    .select({ filter: segments.filter, teamId: segments.routeTeamId })
    .from(segments)
    .where(isNotNull(segments.routeTeamId))
    .orderBy(asc(segments.routePriority), asc(segments.id));
  if (routes.length === 0) return [];
  let left = [...new Set(conversationIds)];
  const moved: number[] = [];
  for (const route of routes) {
    if (left.length === 0) break;
    const ids = sql.join(
      left.map((id) => sql`${id}`),
      sql`, `,
    );
    const result = await db.execute(sql`
      update conversations set team_id = ${route.teamId}, updated_at = now()
      where id in (
        select c.id from conversations c join customers cu on cu.id = c.customer_id join channel_accounts a on a.id = cu.channel_account_id
        where c.id in (${ids}) and c.status = 'needs_human' and c.assignee is null
          and ${segmentCondition(segmentFilter.parse(route.filter))})
      returning id`);
    const matched = (result as unknown as { rows: Array<{ id: number | string }> }).rows.map((r) => Number(r.id));
    moved.push(...matched);
    left = left.filter((id) => !matched.includes(id));
  }
  return moved;
}
