import { Readable } from 'node:stream';
import { z } from 'zod';
import { auditCsv } from '../audit/audit-csv.ts';
import { auditActions, recordAudit } from '../audit/audit-log.ts';
import { auditEntries, type AuditFilter, searchAudit } from '../audit/search-audit.ts';
import type { Database } from '../db/connect.ts';
import { ADMIN_ONLY } from '../staff/roles.ts';
import type { ApiRegistry } from './api-registry.ts';
import { timestamp } from './api-schemas.ts';

const filterQuery = z.object({
  actorId: z.coerce.number().int().positive().max(2_147_483_647).optional(),
  action: z.enum(auditActions).optional(),
  objectType: z.string().max(64).optional(),
  objectId: z.string().max(128).optional(),
  from: timestamp.optional(),
  to: timestamp.optional(),
});
const searchQuery = filterQuery.extend({
  /** The `nextBefore` of the previous page. */
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const auditEntry = z
  .object({
    id: z.number().int(),
    at: timestamp,
    actorId: z.number().int().nullable(),
    actorEmail: z.string().nullable(),
    action: z.string(),
    objectType: z.string().nullable(),
    objectId: z.string().nullable(),
    sourceIp: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEntry' });

function filterOf(q: z.output<typeof filterQuery>): AuditFilter {
  return {
    ...(q.actorId !== undefined && { actorId: q.actorId }),
    ...(q.action !== undefined && { action: q.action }),
    ...(q.objectType !== undefined && { objectType: q.objectType }),
    ...(q.objectId !== undefined && { objectId: q.objectId }),
    ...(q.from !== undefined && { from: new Date(q.from) }),
    ...(q.to !== undefined && { to: new Date(q.to) }),
  };
}

/** The audit log for admins: search by page, and export (itself audited) as CSV. */
export function registerAuditRoutes(api: ApiRegistry, deps: { db: Database }): void {
  api.operation({
    method: 'get',
    path: '/api/audit',
    summary: 'Search the audit log, newest first (filters: actor, action, object, time range)',
    tag: 'audit',
    access: ADMIN_ONLY,
    query: searchQuery,
    success: {
      status: 200,
      description: 'One page; pass nextBefore as `before` for the next',
      schema: z.object({ entries: z.array(auditEntry), nextBefore: z.number().int().nullable() }),
    },
    handle: ({ query }) => searchAudit(deps.db, filterOf(query), { limit: query.limit, ...(query.before && { before: query.before }) }),
  });

  api.operation({
    method: 'get',
    path: '/api/audit/export',
    summary: 'Export the matching audit entries as CSV, oldest first, streamed; the export is audited',
    tag: 'audit',
    access: ADMIN_ONLY,
    query: filterQuery,
    success: { status: 200, description: 'CSV (RFC 4180)', schema: z.string(), contentType: 'text/csv' },
    async handle({ ctx, query, audit }) {
      const filter = filterOf(query);
      await recordAudit(deps.db, audit, { action: 'audit.export', objectType: 'audit_log', details: { filter: query } });
      ctx.type = 'text/csv; charset=utf-8';
      ctx.attachment(`audit-${new Date().toISOString().slice(0, 10)}.csv`);
      return Readable.from(auditCsv(auditEntries(deps.db, filter)));
    },
  });
}
