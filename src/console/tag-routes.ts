import { z } from 'zod';
import { changeTag, createTag, createTagGroup, deleteTag, deleteTagGroup, listTagGroups, renameTagGroup } from '../audience/tag-catalog.ts';
import { changeCustomerTag, readCustomerTagHistory } from '../customers/customer-tags.ts';
import type { Database } from '../db/connect.ts';
import { customerTagSources } from '../db/schema.ts';
import type { StaffRole } from '../staff/roles.ts';
import type { ApiRegistry } from './api-registry.ts';
import { idParam, timestamp } from './api-schemas.ts';

/** Marketers and admins manage the tag catalog (issue 16); every staff role reads it. */
export const AUDIENCE_MANAGERS: readonly StaffRole[] = ['admin', 'marketer'];
const READERS: readonly StaffRole[] = ['admin', 'supervisor', 'agent', 'marketer'];
/** Tags by hand: agents (on customers they may see), supervisors, marketers and admins. */
const TAGGERS = READERS;

const name = z.string().trim().min(1).max(50);
const tag = z.object({ id: z.number().int(), groupId: z.number().int(), name: z.string() }).meta({ id: 'Tag' });
const group = z.object({ id: z.number().int(), name: z.string() }).meta({ id: 'TagGroup' });
const groupWithTags = z
  .object({
    id: z.number().int(),
    name: z.string(),
    tags: z.array(
      z.object({
        id: z.number().int(),
        name: z.string(),
        customers: z.number().int(),
        wecom: z.enum(['none', 'synced', 'read_only']).describe('Synced with a WeCom corp tag; read_only when another app created it'),
      }),
    ),
  })
  .meta({ id: 'TagGroupWithTags' });
const customerTagParams = idParam.extend({ tagId: idParam.shape.id });

/** Tag groups, tags, and tags on customers by hand. */
export function registerTagRoutes(api: ApiRegistry, deps: { db: Database }): void {
  const { db } = deps;
  const base = { tag: 'tags' };

  api.operation({
    ...base,
    method: 'get',
    path: '/api/tag-groups',
    summary: 'Every tag group with its tags and how many customers carry each',
    access: READERS,
    success: { status: 200, description: 'The catalog', schema: z.object({ groups: z.array(groupWithTags) }) },
    handle: async () => ({ groups: await listTagGroups(db) }),
  });
  api.operation({
    ...base,
    method: 'post',
    path: '/api/tag-groups',
    summary: 'Add a tag group (409 if the name is taken)',
    access: AUDIENCE_MANAGERS,
    body: z.object({ name }),
    success: { status: 201, description: 'The new group', schema: group },
    handle: ({ body, audit }) => createTagGroup(db, body.name, audit),
  });
  api.operation({
    ...base,
    method: 'patch',
    path: '/api/tag-groups/{id}',
    summary: 'Rename a tag group',
    access: AUDIENCE_MANAGERS,
    params: idParam,
    body: z.object({ name }),
    success: { status: 200, description: 'The group as renamed', schema: group },
    handle: ({ params, body, audit }) => renameTagGroup(db, params.id, body.name, audit),
  });
  api.operation({
    ...base,
    method: 'delete',
    path: '/api/tag-groups/{id}',
    summary: 'Remove an empty tag group (409 while it has tags)',
    access: AUDIENCE_MANAGERS,
    params: idParam,
    success: { status: 204, description: 'Removed' },
    handle: ({ params, audit }) => deleteTagGroup(db, params.id, audit),
  });
  api.operation({
    ...base,
    method: 'post',
    path: '/api/tags',
    summary: 'Add a tag to a group (409 if the group has the name, ignoring case)',
    access: AUDIENCE_MANAGERS,
    body: z.object({ groupId: idParam.shape.id, name }),
    success: { status: 201, description: 'The new tag', schema: tag },
    handle: ({ body, audit }) => createTag(db, body, audit),
  });
  api.operation({
    ...base,
    method: 'patch',
    path: '/api/tags/{id}',
    summary: 'Rename a tag or move it to another group; customers keep it',
    access: AUDIENCE_MANAGERS,
    params: idParam,
    body: z
      .object({ name: name.optional(), groupId: idParam.shape.id.optional() })
      .refine((c) => c.name !== undefined || c.groupId !== undefined, 'change name or groupId'),
    success: { status: 200, description: 'The tag as changed', schema: tag },
    handle: ({ params, body, audit }) => changeTag(db, params.id, body, audit),
  });
  api.operation({
    ...base,
    method: 'delete',
    path: '/api/tags/{id}',
    summary: 'Remove a tag from the catalog and from every customer (409 while a rule sets it)',
    access: AUDIENCE_MANAGERS,
    params: idParam,
    success: { status: 204, description: 'Removed' },
    handle: ({ params, audit }) => deleteTag(db, params.id, audit),
  });
  api.operation({
    ...base,
    method: 'put',
    path: '/api/customers/{id}/tags/{tagId}',
    summary: 'Put a tag on a customer by hand (recorded with who did it); agents: customers of conversations they may see',
    access: TAGGERS,
    params: customerTagParams,
    success: { status: 200, description: 'Whether it was added (false: the customer had it)', schema: z.object({ changed: z.boolean() }) },
    handle: ({ params, caller, audit }) => changeCustomerTag(db, caller, { customerId: params.id, tagId: params.tagId, add: true }, audit),
  });
  api.operation({
    ...base,
    method: 'delete',
    path: '/api/customers/{id}/tags/{tagId}',
    summary: 'Take a tag off a customer by hand (recorded with who did it)',
    access: TAGGERS,
    params: customerTagParams,
    success: {
      status: 200,
      description: 'Whether it was removed (false: the customer did not have it)',
      schema: z.object({ changed: z.boolean() }),
    },
    handle: ({ params, caller, audit }) => changeCustomerTag(db, caller, { customerId: params.id, tagId: params.tagId, add: false }, audit),
  });
  api.operation({
    ...base,
    method: 'get',
    path: '/api/customers/{id}/tag-history',
    summary: 'The last 50 tag changes of a customer, newest first: what, how (by hand, rule, brain, platform) and who',
    access: TAGGERS,
    params: idParam,
    success: {
      status: 200,
      description: 'The history',
      schema: z.object({
        events: z.array(
          z.object({
            tagId: z.number().int(),
            tag: z.string(),
            action: z.enum(['added', 'removed']),
            source: z.enum(customerTagSources),
            ruleId: z.number().int().nullable(),
            userId: z.number().int().nullable(),
            at: timestamp,
          }),
        ),
      }),
    },
    handle: async ({ params, caller }) => ({ events: await readCustomerTagHistory(db, caller, params.id) }),
  });
}
