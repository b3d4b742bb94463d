import { z } from 'zod';
import type { Database } from '../db/connect.ts';
import { fillQuickReply } from '../quick-replies/fill-quick-reply.ts';
import { changeQuickReply, createQuickReply, deleteQuickReply, listQuickReplies } from '../quick-replies/quick-replies.ts';
import type { StaffRole } from '../staff/roles.ts';
import type { ApiRegistry } from './api-registry.ts';
import { idParam, timestamp } from './api-schemas.ts';

/** Agents use quick replies; supervisors and admins manage them (issue 13). */
const USING_ROLES: readonly StaffRole[] = ['admin', 'supervisor', 'agent'];
const MANAGING_ROLES: readonly StaffRole[] = ['admin', 'supervisor'];

const title = z.string().trim().min(1).max(50);
const text = z.string().trim().min(1).max(2000);
/** `/` and up to 19 more characters with no white space: what an agent types in the reply box to pick it. */
const shortcut = z
  .string()
  .trim()
  .regex(/^\/\S{1,19}$/u, 'a shortcut is / followed by 1 to 19 characters without spaces, e.g. /退款');

const quickReply = z
  .object({
    id: z.number().int(),
    title: z.string(),
    text: z.string(),
    shortcut: z.string().nullable(),
    createdBy: z.number().int().nullable(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'QuickReply' });

const change = z
  .object({ title: title.optional(), text: text.optional(), shortcut: shortcut.nullable().optional() })
  .refine((c) => Object.values(c).some((v) => v !== undefined), 'change title, text or shortcut');

/** Quick replies (快捷回复): one global set, managed by supervisors, each change audited. */
export function registerQuickReplyRoutes(api: ApiRegistry, deps: { db: Database }): void {
  const { db } = deps;
  const base = { tag: 'quick replies' };

  api.operation({
    ...base,
    method: 'get',
    path: '/api/quick-replies',
    summary: 'Quick replies whose title, shortcut or text contains `q` (all without it), by shortcut then title; at most 200',
    access: USING_ROLES,
    query: z.object({ q: z.string().max(100).optional() }),
    success: { status: 200, description: 'The matches', schema: z.object({ quickReplies: z.array(quickReply) }) },
    handle: async ({ query }) => ({ quickReplies: await listQuickReplies(db, query) }),
  });

  api.operation({
    ...base,
    method: 'post',
    path: '/api/quick-replies',
    summary: 'Add a quick reply; `{客户名}` and `{客服名}` in its text are filled in when it is used (409 if the shortcut is taken)',
    access: MANAGING_ROLES,
    body: z.object({ title, text, shortcut: shortcut.optional() }),
    success: { status: 201, description: 'The new quick reply', schema: quickReply },
    handle: ({ body, audit }) => createQuickReply(db, body, audit),
  });

  api.operation({
    ...base,
    method: 'patch',
    path: '/api/quick-replies/{id}',
    summary: 'Change a quick reply’s title, text or shortcut (`"shortcut": null` removes it)',
    access: MANAGING_ROLES,
    params: idParam,
    body: change,
    success: { status: 200, description: 'The quick reply as changed', schema: quickReply },
    handle: ({ params, body, audit }) => changeQuickReply(db, params.id, body, audit),
  });

  api.operation({
    ...base,
    method: 'delete',
    path: '/api/quick-replies/{id}',
    summary: 'Remove a quick reply',
    access: MANAGING_ROLES,
    params: idParam,
    success: { status: 204, description: 'Removed' },
    handle: ({ params, audit }) => deleteQuickReply(db, params.id, audit),
  });

  api.operation({
    ...base,
    method: 'get',
    path: '/api/conversations/{id}/quick-replies/{quickReplyId}',
    summary: 'A quick reply’s text for this conversation, `{客户名}` and `{客服名}` filled in, to edit and send as a reply',
    access: USING_ROLES,
    params: idParam.extend({ quickReplyId: idParam.shape.id }),
    success: { status: 200, description: 'The text', schema: z.object({ text: z.string() }) },
    handle: ({ params, caller }) => fillQuickReply(db, caller, { conversationId: params.id, quickReplyId: params.quickReplyId }),
  });
}
