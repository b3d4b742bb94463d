import { and, desc, asc, eq, gt, gte, lt, lte, type SQL } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { auditLog, staffUsers } from '../db/schema.ts';

export interface AuditFilter {
  actorId?: number;
  action?: string;
  objectType?: string;
  objectId?: string;
  from?: Date;
  to?: Date;
}

export interface AuditRow {
  id: number;
  at: Date;
  actorId: number | null;
  actorEmail: string | null;
  action: string;
  objectType: string | null;
  objectId: string | null;
  sourceIp: string | null;
  details: Record<string, unknown>;
}

const rowColumns = {
  id: auditLog.id,
  at: auditLog.at,
  actorId: auditLog.actorId,
  actorEmail: staffUsers.email,
  action: auditLog.action,
  objectType: auditLog.objectType,
  objectId: auditLog.objectId,
  sourceIp: auditLog.sourceIp,
  details: auditLog.details,
};

function conditions(filter: AuditFilter): SQL[] {
  return [
    filter.actorId !== undefined && eq(auditLog.actorId, filter.actorId),
    filter.action !== undefined && eq(auditLog.action, filter.action),
    filter.objectType !== undefined && eq(auditLog.objectType, filter.objectType),
    filter.objectId !== undefined && eq(auditLog.objectId, filter.objectId),
    filter.from !== undefined && gte(auditLog.at, filter.from),
    filter.to !== undefined && lte(auditLog.at, filter.to),
  ].filter((c): c is SQL => c !== false);
}

/**
 * One page of entries, newest first. Paged by id (keyset: `before` is the last id of the previous
 * page), so a page costs the same at the millionth entry as at the first and entries written
 * meanwhile do not shift the pages.
 */
export async function searchAudit(
  db: Database,
  filter: AuditFilter,
  page: { before?: number; limit: number },
): Promise<{ entries: AuditRow[]; nextBefore: number | null }> {
  const entries = await db
    .select(rowColumns)
    .from(auditLog)
    .leftJoin(staffUsers, eq(staffUsers.id, auditLog.actorId))
    .where(and(...conditions(filter), page.before !== undefined ? lt(auditLog.id, page.before) : undefined))
    .orderBy(desc(auditLog.id))
    .limit(page.limit);
  return { entries, nextBefore: entries.length === page.limit ? entries.at(-1)!.id : null };
}

/** Every matching entry, oldest first, read in batches: an export of any size holds one batch in memory. */
export async function* auditEntries(db: Database, filter: AuditFilter, batchSize = 1000): AsyncGenerator<AuditRow> {
  let after = 0;
  for (;;) {
    const batch = await db
      .select(rowColumns)
      .from(auditLog)
      .leftJoin(staffUsers, eq(staffUsers.id, auditLog.actorId))
      .where(and(...conditions(filter), gt(auditLog.id, after)))
      .orderBy(asc(auditLog.id))
      .limit(batchSize);
    yield* batch;
    if (batch.length < batchSize) return;
    after = batch.at(-1)!.id;
  }
}
