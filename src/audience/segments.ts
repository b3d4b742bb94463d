import { asc, eq, sql } from 'drizzle-orm';
import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import type { Database } from '../db/connect.ts';
import { refuseDuplicate } from '../db/refused-value.ts';
import { segments, teams } from '../db/schema.ts';
import type { Executor, Transaction } from '../db/transaction.ts';
import { RejectedRequestError } from '../errors.ts';
import { segmentCondition, type SegmentFilter } from './segment-filter.ts';

/**
 * Segments (客户分群): saved filters over customers, counted, previewed and exported by marketers,
 * and — with a team — routing: the waiting conversations of their customers go to that team.
 */
export interface SegmentView {
  id: number;
  name: string;
  filter: SegmentFilter;
  routeTeamId: number | null;
  routePriority: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface SegmentInput {
  name: string;
  filter: SegmentFilter;
  routeTeamId?: number | null;
  routePriority?: number;
}

/** A customer as the preview and the export show them. */
export interface SegmentMember {
  id: number;
  channel: string;
  account: string;
  externalId: string;
  displayName: string | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
  tags: string[];
}

const columns = {
  id: segments.id,
  name: segments.name,
  filter: segments.filter,
  routeTeamId: segments.routeTeamId,
  routePriority: segments.routePriority,
  createdAt: segments.createdAt,
  updatedAt: segments.updatedAt,
};

const asView = (row: Omit<SegmentView, 'filter'> & { filter: Record<string, unknown> }): SegmentView => ({
  ...row,
  filter: row.filter as SegmentFilter,
});

export async function listSegments(db: Database): Promise<SegmentView[]> {
  return (await db.select(columns).from(segments).orderBy(asc(segments.name))).map(asView);
}

export async function readSegment(db: Executor, id: number): Promise<SegmentView> {
  const [row] = await db.select(columns).from(segments).where(eq(segments.id, id));
  if (!row) throw new RejectedRequestError('not_found', `there is no segment ${id}`, 404);
  return asView(row);
}

export async function createSegment(db: Database, input: SegmentInput, audit: AuditContext): Promise<SegmentView> {
  return refuseDuplicate(
    () =>
      db.transaction(async (tx) => {
        if (input.routeTeamId) await requireTeam(tx, input.routeTeamId);
        const [row] = await tx
          .insert(segments)
          .values({ ...input, filter: input.filter as Record<string, unknown>, createdBy: audit.actorId })
          .returning(columns);
        await recordAudit(tx, audit, { action: 'segment.create', objectType: 'segment', objectId: row!.id, details: { ...input } });
        return asView(row!);
      }),
    () => nameTaken(input.name),
  );
}

export async function changeSegment(db: Database, id: number, change: Partial<SegmentInput>, audit: AuditContext): Promise<SegmentView> {
  return refuseDuplicate(
    () =>
      db.transaction(async (tx) => {
        const before = await readSegment(tx, id);
        if (change.routeTeamId) await requireTeam(tx, change.routeTeamId);
        const [row] = await tx
          .update(segments)
          .set({ ...change, ...(change.filter && { filter: change.filter as Record<string, unknown> }), updatedAt: sql`now()` })
          .where(eq(segments.id, id))
          .returning(columns);
        await recordAudit(tx, audit, {
          action: 'segment.update',
          objectType: 'segment',
          objectId: id,
          details: { before: { name: before.name, filter: before.filter, routeTeamId: before.routeTeamId }, after: change },
        });
        return asView(row!);
      }),
    () => nameTaken(change.name ?? ''),
  );
}

export async function deleteSegment(db: Database, id: number, audit: AuditContext): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.delete(segments).where(eq(segments.id, id)).returning({ name: segments.name });
    if (!row) throw new RejectedRequestError('not_found', `there is no segment ${id}`, 404);
    await recordAudit(tx, audit, { action: 'segment.delete', objectType: 'segment', objectId: id, details: { name: row.name } });
  });
}

/** How many customers the filter holds now. */
export async function countSegment(db: Executor, filter: SegmentFilter): Promise<number> {
  const result = await db.execute(sql`
    select count(*)::int as n from customers cu join channel_accounts a on a.id = cu.channel_account_id
    where ${segmentCondition(filter)}`);
  return Number((result as unknown as { rows: Array<{ n: number }> }).rows[0]!.n);
}

/**
 * The filter's customers with ids after `afterId`, by id, at most `limit`: the preview's first
 * page, and the export's pages (keyset pagination, so an export of a million rows never re-reads).
 */
export async function segmentMembers(
  db: Executor,
  filter: SegmentFilter,
  page: { afterId?: number; limit: number },
): Promise<SegmentMember[]> {
  const result = await db.execute(sql`
    select cu.id::bigint as id, a.channel, a.name as account, cu.external_id as "externalId", cu.display_name as "displayName",
           cu.created_at as "firstSeenAt", cu.last_seen_at as "lastSeenAt",
           coalesce((select json_agg(g.name order by g.name) from customer_tags t join tags g on g.id = t.tag_id where t.customer_id = cu.id), '[]'::json) as tags
    from customers cu join channel_accounts a on a.id = cu.channel_account_id
    where cu.id > ${page.afterId ?? 0} and ${segmentCondition(filter)}
    order by cu.id
    limit ${page.limit}`);
  return (result as unknown as { rows: Array<Record<string, unknown>> }).rows.map((row) => ({
    id: Number(row.id),
    channel: String(row.channel),
    account: String(row.account),
    externalId: String(row.externalId),
    displayName: (row.displayName as string | null) ?? null,
    firstSeenAt: new Date(row.firstSeenAt as string),
    lastSeenAt: new Date(row.lastSeenAt as string),
    tags: row.tags as string[],
  }));
}

async function requireTeam(tx: Transaction, teamId: number): Promise<void> {
  const [team] = await tx.select({ id: teams.id }).from(teams).where(eq(teams.id, teamId)).for('share');
  if (!team) throw new RejectedRequestError('not_found', `there is no team ${teamId}`, 404);
}

const nameTaken = (name: string) => new RejectedRequestError('name_taken', `a segment is already named ${name}`, 409);
