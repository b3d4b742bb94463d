import { Readable } from 'node:stream';
import { z } from 'zod';
import { csvLine } from '../audit/audit-csv.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { segmentFilter, type SegmentFilter } from '../audience/segment-filter.ts';
import {
  changeSegment,
  countSegment,
  createSegment,
  deleteSegment,
  listSegments,
  readSegment,
  segmentMembers,
} from '../audience/segments.ts';
import type { Database } from '../db/connect.ts';
import type { ApiRegistry } from './api-registry.ts';
import { idParam, timestamp } from './api-schemas.ts';
import { AUDIENCE_MANAGERS } from './tag-routes.ts';

/** Customers a preview shows: enough to check a filter by eye. */
const PREVIEW_SIZE = 20;
/** Rows an export reads per query (keyset pages). */
const EXPORT_PAGE = 2000;

const segment = z
  .object({
    id: z.number().int(),
    name: z.string(),
    filter: segmentFilter,
    routeTeamId: z.number().int().nullable(),
    routePriority: z.number().int(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Segment' });

const member = z
  .object({
    id: z.number().int(),
    channel: z.string(),
    account: z.string(),
    externalId: z.string(),
    displayName: z.string().nullable(),
    firstSeenAt: timestamp,
    lastSeenAt: timestamp,
    tags: z.array(z.string()),
  })
  .meta({ id: 'SegmentMember' });

const preview = z.object({ count: z.number().int(), customers: z.array(member) }).meta({ id: 'SegmentPreview' });

const input = z.object({
  name: z.string().trim().min(1).max(100),
  filter: segmentFilter,
  routeTeamId: idParam.shape.id.nullable().optional(),
  routePriority: z.number().int().min(0).max(1000).optional(),
});

/** Segments: saved filters over customers, their live count and preview, the CSV export, and routing to a team. */
export function registerSegmentRoutes(api: ApiRegistry, deps: { db: Database }): void {
  const { db } = deps;
  const base = { tag: 'segments', access: AUDIENCE_MANAGERS };
  const previewOf = async (filter: SegmentFilter) => {
    const [count, customers] = await Promise.all([countSegment(db, filter), segmentMembers(db, filter, { limit: PREVIEW_SIZE })]);
    return { count, customers };
  };

  api.operation({
    ...base,
    method: 'get',
    path: '/api/segments',
    summary: 'Every segment',
    success: { status: 200, description: 'The segments', schema: z.object({ segments: z.array(segment) }) },
    handle: async () => ({ segments: await listSegments(db) }),
  });
  api.operation({
    ...base,
    method: 'post',
    path: '/api/segments/preview',
    summary: 'Count a filter and show its first 20 customers, without saving it (the editor’s live count)',
    body: z.object({ filter: segmentFilter }),
    success: { status: 200, description: 'The count and the first customers', schema: preview },
    handle: ({ body }) => previewOf(body.filter),
  });
  api.operation({
    ...base,
    method: 'post',
    path: '/api/segments',
    summary: 'Save a segment; with routeTeamId its waiting conversations go to that team (409 if the name is taken)',
    body: input,
    success: { status: 201, description: 'The new segment', schema: segment },
    handle: ({ body, audit }) => createSegment(db, body, audit),
  });
  api.operation({
    ...base,
    method: 'get',
    path: '/api/segments/{id}/preview',
    summary: 'A saved segment’s count now and its first 20 customers',
    params: idParam,
    success: { status: 200, description: 'The count and the first customers', schema: preview },
    handle: async ({ params }) => previewOf((await readSegment(db, params.id)).filter),
  });
  api.operation({
    ...base,
    method: 'patch',
    path: '/api/segments/{id}',
    summary: 'Change a segment’s name, filter or routing',
    params: idParam,
    body: input.partial().refine((c) => Object.values(c).some((v) => v !== undefined), 'change something'),
    success: { status: 200, description: 'The segment as changed', schema: segment },
    handle: ({ params, body, audit }) => changeSegment(db, params.id, body, audit),
  });
  api.operation({
    ...base,
    method: 'delete',
    path: '/api/segments/{id}',
    summary: 'Remove a segment',
    params: idParam,
    success: { status: 204, description: 'Removed' },
    handle: ({ params, audit }) => deleteSegment(db, params.id, audit),
  });
  api.operation({
    ...base,
    method: 'get',
    path: '/api/segments/{id}/export',
    summary: 'Export a segment’s customers as CSV, streamed by id; the export is audited',
    params: idParam,
    success: { status: 200, description: 'CSV (RFC 4180)', schema: z.string(), contentType: 'text/csv' },
    async handle({ ctx, params, audit }) {
      const saved = await readSegment(db, params.id);
      await recordAudit(db, audit, { action: 'segment.export', objectType: 'segment', objectId: saved.id, details: { name: saved.name } });
      ctx.type = 'text/csv; charset=utf-8';
      ctx.attachment(`segment-${saved.id}-${new Date().toISOString().slice(0, 10)}.csv`);
      return Readable.from(exportRows(db, saved.filter));
    },
  });
}

async function* exportRows(db: Database, filter: SegmentFilter): AsyncGenerator<string> {
  yield csvLine(['id', 'channel', 'account', 'external_id', 'display_name', 'first_seen', 'last_seen', 'tags']);
  for (let afterId = 0; ; ) {
    const page = await segmentMembers(db, filter, { afterId, limit: EXPORT_PAGE });
    for (const m of page) {
      yield csvLine([
        m.id,
        m.channel,
        m.account,
        m.externalId,
        m.displayName,
        m.firstSeenAt.toISOString(),
        m.lastSeenAt.toISOString(),
        m.tags.join('|'),
      ]);
    }
    if (page.length < EXPORT_PAGE) return;
    afterId = page.at(-1)!.id;
  }
}
