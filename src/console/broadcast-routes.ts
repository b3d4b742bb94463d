import type { Queue } from 'bullmq';
import { z } from 'zod';
import { broadcastReport, listRecipients } from '../broadcasts/broadcast-report.ts';
import { cancelBroadcast, createBroadcast, listBroadcasts, readBroadcast } from '../broadcasts/broadcasts.ts';
import { type ForecastDeps, forecastBroadcast } from '../broadcasts/forecast-broadcast.ts';
import { broadcastStates, massSendStates, recipientStates } from '../db/schema.ts';
import { type AudienceJob, queueBroadcast } from '../queue/audience-queue.ts';
import type { ApiRegistry } from './api-registry.ts';
import { idParam, timestamp } from './api-schemas.ts';
import { AUDIENCE_MANAGERS } from './tag-routes.ts';

/**
 * Each recipient gets a broadcast as one platform message: 600 characters stay within the 2048
 * bytes of the WeChat-family text APIs even in Chinese (3 bytes a character), so nothing is split.
 */
const TEXT_MAX = 600;
/** Recipients a page lists. */
const RECIPIENT_PAGE = 100;

const broadcast = z
  .object({
    id: z.number().int(),
    name: z.string(),
    text: z.string(),
    segmentId: z.number().int().nullable(),
    tagIds: z.array(z.number().int()).nullable(),
    state: z.enum(broadcastStates),
    sendAt: timestamp,
    perMinute: z.number().int(),
    enlistedAt: timestamp.nullable(),
    finishedAt: timestamp.nullable(),
    createdAt: timestamp,
  })
  .meta({ id: 'Broadcast' });

const report = z
  .object({
    total: z.number().int(),
    byState: z.object(
      Object.fromEntries(recipientStates.map((s) => [s, z.number().int()])) as Record<(typeof recipientStates)[number], z.ZodNumber>,
    ),
    skipped: z.array(z.object({ reason: z.string(), count: z.number().int() })),
    failed: z.array(z.object({ errcode: z.string(), count: z.number().int() })),
    massSends: z.array(
      z.object({
        accountName: z.string(),
        state: z.enum(massSendStates),
        recipients: z.number().int(),
        errcode: z.string().nullable(),
        status: z.string().nullable(),
        totalCount: z.number().int().nullable(),
        filterCount: z.number().int().nullable(),
        sentCount: z.number().int().nullable(),
        errorCount: z.number().int().nullable(),
      }),
    ),
  })
  .meta({ id: 'BroadcastReport' });

const recipient = z
  .object({
    id: z.number().int(),
    customerId: z.number().int(),
    channel: z.string().nullable(),
    externalId: z.string().nullable(),
    displayName: z.string().nullable(),
    state: z.enum(recipientStates),
    reason: z.string().nullable(),
    errcode: z.string().nullable(),
    sentAt: timestamp.nullable(),
  })
  .meta({ id: 'BroadcastRecipient' });

/** Who a broadcast goes to and when: what its forecast is asked about. */
const audience = z.object({
  segmentId: idParam.shape.id.optional(),
  tagIds: z.array(idParam.shape.id).min(1).max(100).optional(),
  /** Absent: at once. */
  sendAt: z.iso.datetime({ offset: true }).optional(),
});
const oneAudience = (b: z.infer<typeof audience>) => (b.segmentId === undefined) !== (b.tagIds === undefined);
const ONE_AUDIENCE = 'give a segmentId or tagIds, not both';

const input = audience
  .extend({
    name: z.string().trim().min(1).max(100),
    text: z.string().trim().min(1).max(TEXT_MAX),
    /** The throttle over every channel; the platforms' own per-second limits are far above the default. */
    perMinute: z.number().int().min(1).max(6000).default(600),
  })
  .refine(oneAudience, ONE_AUDIENCE);

const reasonCounts = z.array(z.object({ reason: z.string(), count: z.number().int() }));
const forecast = z
  .object({
    total: z.number().int(),
    send: z.number().int(),
    skipped: z.number().int(),
    reasons: reasonCounts,
    channels: z.array(z.object({ channel: z.string(), total: z.number().int(), send: z.number().int(), skipped: reasonCounts })),
    massSends: z.array(
      z.object({
        accountName: z.string(),
        state: z.enum(['sending', 'unused', 'refused']),
        errcode: z.string().nullable(),
        recipients: z.number().int(),
      }),
    ),
    at: timestamp,
  })
  .meta({ id: 'BroadcastForecast' });

/** Broadcasts (群发): created, followed and cancelled by marketers and admins; sent by the worker. */
export function registerBroadcastRoutes(api: ApiRegistry, deps: ForecastDeps & { audience: Queue<AudienceJob> }): void {
  const { db } = deps;
  const base = { tag: 'broadcasts', access: AUDIENCE_MANAGERS };

  api.operation({
    ...base,
    method: 'get',
    path: '/api/broadcasts',
    summary: 'Every broadcast, newest first',
    success: { status: 200, description: 'The broadcasts', schema: z.object({ broadcasts: z.array(broadcast) }) },
    handle: async () => ({ broadcasts: await listBroadcasts(db) }),
  });
  api.operation({
    ...base,
    method: 'post',
    path: '/api/broadcasts',
    summary: 'Broadcast a message to a segment or to tags, now or at `sendAt`',
    body: input,
    success: { status: 201, description: 'The new broadcast', schema: broadcast },
    handle: async ({ body, audit }) => {
      const { sendAt, ...rest } = body;
      const created = await createBroadcast(db, { ...rest, ...(sendAt && { sendAt: new Date(sendAt) }) }, audit);
      // Committed first: a job lost here is queued again when a worker starts (unfinished broadcasts).
      await queueBroadcast(deps.audience, created.id, created.sendAt, { chain: 'created', slice: 0 });
      return created;
    },
  });
  api.operation({
    ...base,
    method: 'post',
    path: '/api/broadcasts/forecast',
    summary:
      'How many of an audience a broadcast would reach if sent now, per channel, and why the others would be skipped (the reasons the sender records); writes and sends nothing',
    body: audience.refine(oneAudience, ONE_AUDIENCE),
    success: { status: 200, description: 'The forecast', schema: forecast },
    // `sendAt` is checked like the broadcast's, but the forecast is of now: windows and open widgets change by then.
    handle: ({ body }) => forecastBroadcast(deps, body),
  });
  api.operation({
    ...base,
    method: 'get',
    path: '/api/broadcasts/{id}',
    summary: 'One broadcast with its report: recipients per state, skip reason and errcode',
    params: idParam,
    success: { status: 200, description: 'The broadcast', schema: z.object({ broadcast, report }) },
    handle: async ({ params }) => ({ broadcast: await readBroadcast(db, params.id), report: await broadcastReport(db, params.id) }),
  });
  api.operation({
    ...base,
    method: 'get',
    path: '/api/broadcasts/{id}/recipients',
    summary: 'A page of the recipients and how each went (after `afterId`, optionally of one state)',
    params: idParam,
    query: z.object({ state: z.enum(recipientStates).optional(), afterId: z.coerce.number().int().min(0).optional() }),
    success: { status: 200, description: 'The recipients', schema: z.object({ recipients: z.array(recipient) }) },
    handle: async ({ params, query }) => {
      await readBroadcast(db, params.id);
      return { recipients: await listRecipients(db, params.id, { ...query, limit: RECIPIENT_PAGE }) };
    },
  });
  api.operation({
    ...base,
    method: 'post',
    path: '/api/broadcasts/{id}/cancel',
    summary: 'Stop a broadcast before its next recipient (those sent stay sent)',
    params: idParam,
    success: { status: 200, description: 'The cancelled broadcast', schema: broadcast },
    handle: ({ params, audit }) => cancelBroadcast(db, params.id, audit),
  });
}
