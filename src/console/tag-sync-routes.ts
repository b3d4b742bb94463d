import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { z } from 'zod';
import { WECOM_CONTACT_IMPORT } from '../audience/keep-wecom-contacts.ts';
import { readTagSync, requestTagSync, WECOM_TAG_SYNC } from '../audience/sync-corp-tags.ts';
import { recordAudit } from '../audit/audit-log.ts';
import type { Database } from '../db/connect.ts';
import { type AudienceJob, queueTagSync } from '../queue/audience-queue.ts';
import type { ApiRegistry } from './api-registry.ts';
import { timestamp } from './api-schemas.ts';
import { AUDIENCE_MANAGERS } from './tag-routes.ts';

const sync = z
  .object({
    target: z.string(),
    state: z.enum(['idle', 'running', 'done', 'failed']),
    imported: z.number().int().describe('Tags created, renamed or deleted here from the platform'),
    pushed: z.number().int().describe('Tags created or renamed on the platform'),
    lastError: z.string().nullable(),
    finishedAt: timestamp.nullable(),
  })
  .meta({ id: 'TagSync' });

const view = (s: Awaited<ReturnType<typeof readTagSync>>) => ({
  ...s,
  state: s.state as z.infer<typeof sync>['state'],
  finishedAt: s.finishedAt?.toISOString() ?? null,
});

/**
 * The 同步 actions of the tags tab (docs/marketing.md): sync the catalog with WeCom's corp tags, and
 * import WeCom's external contacts as customers. Both are runs of the audience queue with a state row
 * (tag_syncs): one at a time per target, resumed by a worker that starts.
 */
export function registerTagSyncRoutes(api: ApiRegistry, deps: { db: Database; audience: Queue<AudienceJob> }): void {
  registerSyncTarget(api, deps, WECOM_TAG_SYNC, 'sync with WeCom’s corp tags', 'Sync the tag catalog with WeCom’s corp tags');
  registerSyncTarget(
    api,
    deps,
    WECOM_CONTACT_IMPORT,
    'import of WeCom’s external contacts (imported: contacts read)',
    'Import WeCom’s external contacts as customers, with their corp tags',
  );
}

function registerSyncTarget(
  api: ApiRegistry,
  { db, audience }: { db: Database; audience: Queue<AudienceJob> },
  target: string,
  what: string,
  action: string,
): void {
  const base = { tag: 'tags', access: AUDIENCE_MANAGERS, path: `/api/tag-sync/${target}` as const };
  api.operation({
    ...base,
    method: 'get',
    summary: `The last (or running) ${what}`,
    success: { status: 200, description: 'Its state', schema: sync },
    handle: async () => view(await readTagSync(db, target)),
  });
  api.operation({
    ...base,
    method: 'post',
    summary: `${action} now (one already running goes on; this adds nothing)`,
    success: { status: 200, description: 'Running', schema: sync },
    handle: async ({ audit }) => {
      // Committed before it is queued: a job lost in between is queued again when a worker starts.
      const { started } = await db.transaction(async (tx) => {
        const asked = await requestTagSync(tx, target);
        if (asked.started) await recordAudit(tx, audit, { action: 'tag_sync.start', details: { target } });
        return asked;
      });
      if (started) await queueTagSync(audience, target, randomUUID());
      return view(await readTagSync(db, target));
    },
  });
}
