import { z } from 'zod';
import { countInbox } from '../conversations/inbox-counts.ts';
import { markConversationRead } from '../conversations/read-markers.ts';
import { searchConversations } from '../conversations/search-conversations.ts';
import type { Database } from '../db/connect.ts';
import type { StaffRole } from '../staff/roles.ts';
import type { ApiRegistry } from './api-registry.ts';
import { idParam } from './api-schemas.ts';

const searchQuery = z.object({
  q: z.string().trim().min(1).max(100),
  limit: z.coerce.number().int().min(1).max(50).default(20),
});

/** The inbox's badges, search and read markers: what the console's inbox asks besides the list. */
export function registerInboxRoutes(
  api: ApiRegistry,
  deps: { db: Database; access: readonly StaffRole[]; conversation: z.ZodObject },
): void {
  const { db } = deps;
  const base = { tag: 'conversations', access: deps.access };

  api.operation({
    ...base,
    method: 'get',
    path: '/api/conversations/counts',
    summary: 'The caller’s inbox badges: waiting, mine, all (by role), and conversations waiting or mine with unread customer messages',
    success: {
      status: 200,
      description: 'The counts',
      schema: z.object({ waiting: z.number().int(), mine: z.number().int(), all: z.number().int(), unread: z.number().int() }),
    },
    handle: ({ caller }) => countInbox(db, caller),
  });

  api.operation({
    ...base,
    method: 'get',
    path: '/api/conversations/search',
    summary:
      'Conversations whose customer (name, external id) or messages contain `q`, most recent first, with a snippet around the first matching message; those the caller may read',
    query: searchQuery,
    success: {
      status: 200,
      description: 'The matches',
      schema: z.object({ conversations: z.array(deps.conversation.extend({ snippet: z.string().nullable() })) }),
    },
    handle: ({ query, caller }) => searchConversations(db, caller, query),
  });

  api.operation({
    ...base,
    method: 'post',
    path: '/api/conversations/{id}/read',
    summary: 'Move the caller’s read marker to `messageId`, or to the newest message; never backwards',
    params: idParam,
    body: z.object({ messageId: z.number().int().positive().optional() }),
    success: {
      status: 200,
      description: 'The marker now',
      schema: z.object({ lastReadMessageId: z.number().int().nullable() }),
    },
    handle: ({ params, body, caller }) =>
      markConversationRead(db, caller, { conversationId: params.id, ...(body.messageId !== undefined && { messageId: body.messageId }) }),
  });
}
