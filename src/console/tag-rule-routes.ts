import type { Queue } from 'bullmq';
import { z } from 'zod';
import { tagRuleCondition } from '../audience/tag-rule-condition.ts';
import { changeTagRule, createTagRule, deleteTagRule, listTagRules, readTagRule, type TagRuleView } from '../audience/tag-rules.ts';
import type { Database } from '../db/connect.ts';
import { type AudienceJob, queueBackfill } from '../queue/audience-queue.ts';
import type { ApiRegistry } from './api-registry.ts';
import { idParam, timestamp } from './api-schemas.ts';
import { AUDIENCE_MANAGERS } from './tag-routes.ts';

const rule = z
  .object({
    id: z.number().int(),
    name: z.string(),
    tagId: z.number().int(),
    condition: tagRuleCondition,
    enabled: z.boolean(),
    revision: z.number().int(),
    backfill: z.object({ state: z.string(), progress: z.number(), tagged: z.number().int() }),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'TagRule' });

const input = z.object({
  name: z.string().trim().min(1).max(100),
  tagId: idParam.shape.id,
  condition: tagRuleCondition,
  enabled: z.boolean().optional(),
});

/**
 * Tag rules: created and changed by marketers and admins. A new rule, or a changed condition, runs
 * over the history in the worker (the backfill); its progress is in `backfill`.
 */
export function registerTagRuleRoutes(api: ApiRegistry, deps: { db: Database; audience: Queue<AudienceJob> }): void {
  const { db } = deps;
  const base = { tag: 'tag rules', access: AUDIENCE_MANAGERS };
  // The rule is committed first: a backfill job lost here is queued again when a worker starts.
  const backfilled = async (view: TagRuleView) => {
    if (view.backfill.state === 'running') await queueBackfill(deps.audience, view.id, view.revision);
    return view;
  };

  api.operation({
    ...base,
    method: 'get',
    path: '/api/tag-rules',
    summary: 'Every tag rule with its backfill’s progress',
    success: { status: 200, description: 'The rules', schema: z.object({ rules: z.array(rule) }) },
    handle: async () => ({ rules: await listTagRules(db) }),
  });
  api.operation({
    ...base,
    method: 'get',
    path: '/api/tag-rules/{id}',
    summary: 'One rule, with its backfill’s progress (0–1) and how many customers it tagged',
    params: idParam,
    success: { status: 200, description: 'The rule', schema: rule },
    handle: ({ params }) => readTagRule(db, params.id),
  });
  api.operation({
    ...base,
    method: 'post',
    path: '/api/tag-rules',
    summary: 'Add a rule; it runs on new messages at once, and over the history in the background',
    body: input,
    success: { status: 201, description: 'The new rule', schema: rule },
    handle: async ({ body, audit }) => backfilled(await createTagRule(db, body, audit)),
  });
  api.operation({
    ...base,
    method: 'patch',
    path: '/api/tag-rules/{id}',
    summary: 'Change a rule; a new condition or tag runs over the history again (tags it set stay)',
    params: idParam,
    body: input.partial().refine((c) => Object.values(c).some((v) => v !== undefined), 'change something'),
    success: { status: 200, description: 'The rule as changed', schema: rule },
    handle: async ({ params, body, audit }) => backfilled(await changeTagRule(db, params.id, body, audit)),
  });
  api.operation({
    ...base,
    method: 'delete',
    path: '/api/tag-rules/{id}',
    summary: 'Remove a rule; the tags it set stay on the customers',
    params: idParam,
    success: { status: 204, description: 'Removed' },
    handle: ({ params, audit }) => deleteTagRule(db, params.id, audit),
  });
}
