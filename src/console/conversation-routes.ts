import type { Queue } from 'bullmq';
import { z } from 'zod';
import type { Channel } from '../channels/types.ts';
import { addConversationNote } from '../conversations/add-conversation-note.ts';
import { assignConversation } from '../conversations/assign-conversation.ts';
import { closeConversation } from '../conversations/close-conversation.ts';
import type { ConversationEvents } from '../conversations/conversation-events.ts';
import { listConversationMessages } from '../conversations/conversation-history.ts';
import { listInbox, readConversation } from '../conversations/list-inbox.ts';
import { resolveConversation } from '../conversations/resolve-conversation.ts';
import { sendAgentReply } from '../conversations/send-agent-reply.ts';
import type { Database } from '../db/connect.ts';
import { conversationStatuses } from '../db/schema.ts';
import type { Logger } from '../observability/logger.ts';
import type { TurnJobData } from '../queue/conversation-queue.ts';
import type { StaffRole } from '../staff/roles.ts';
import type { ApiRegistry } from './api-registry.ts';
import { idParam, timestamp } from './api-schemas.ts';

/** Who works in conversations. Marketers do not: no conversation bodies unless granted (issue 13). */
const CONVERSATION_ROLES: readonly StaffRole[] = ['admin', 'supervisor', 'agent'];

export interface ConversationRoutesDeps {
  db: Database;
  /** The conversation queue: an agent's reply is delivered by a turn job, like the bot's. */
  queue: Queue<TurnJobData>;
  logger: Logger;
  /** The channels this process built, for their split of a reply into parts. */
  channels: Channel[];
  /** Told of every change, after it commits: the console's live events. */
  events: ConversationEvents;
}

const status = z.enum(conversationStatuses);
const conversation = z
  .object({
    id: z.number().int(),
    status,
    channel: z.string(),
    account: z.string(),
    customer: z.object({ id: z.number().int(), externalId: z.string(), displayName: z.string().nullable() }),
    handoffReason: z.string().nullable(),
    waitingSince: timestamp.nullable(),
    assignee: z.number().int().nullable(),
    lastMessageAt: timestamp,
    createdAt: timestamp,
  })
  .meta({ id: 'Conversation' });
const message = z
  .object({
    id: z.number().int(),
    direction: z.enum(['in', 'out']),
    sender: z.string(),
    kind: z.string(),
    text: z.string().nullable(),
    status: z.string(),
    staff: z.object({ id: z.number().int(), name: z.string() }).nullable(),
    meta: z.record(z.string(), z.unknown()),
    createdAt: timestamp,
  })
  .meta({ id: 'ConversationMessage' });
const inboxQuery = z.object({
  status: status.optional(),
  channel: z.string().max(40).optional(),
  account: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(200).optional(),
});
const historyQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(100),
  before: z.coerce.number().int().positive().optional(),
});
const text = z.string().trim().min(1).max(10_000);

/** The human loop: the inbox, a conversation's history, and what people do in it. */
export function registerConversationRoutes(api: ApiRegistry, deps: ConversationRoutesDeps): void {
  const { db } = deps;
  const ops = { db, events: deps.events };
  const splitText = (kind: string, body: string) => {
    const channel = deps.channels.find((c) => c.kind === kind);
    if (!channel) throw new Error(`channel ${kind} is not configured in this process`);
    return channel.sender.splitText(body);
  };
  const base = { tag: 'conversations', access: CONVERSATION_ROLES };
  const done = { status: 204, description: 'Done' } as const;

  api.operation({
    ...base,
    method: 'get',
    path: '/api/conversations',
    summary:
      'The inbox: waiting for a person first (longest wait first, with the reason), then the rest by last message. Agents see those waiting and their own.',
    query: inboxQuery,
    success: {
      status: 200,
      description: 'A page',
      schema: z.object({ conversations: z.array(conversation), nextCursor: z.string().nullable() }),
    },
    handle: ({ query, caller }) => listInbox(db, caller, query),
  });

  api.operation({
    ...base,
    method: 'get',
    path: '/api/conversations/{id}',
    summary: 'One conversation',
    params: idParam,
    success: { status: 200, description: 'The conversation', schema: conversation },
    handle: ({ params, caller }) => readConversation(db, caller, params.id),
  });

  api.operation({
    ...base,
    method: 'get',
    path: '/api/conversations/{id}/messages',
    summary: 'Its history across customer, bot and people, notes included; oldest first, paged back with `before`',
    params: idParam,
    query: historyQuery,
    success: {
      status: 200,
      description: 'A page',
      schema: z.object({ messages: z.array(message), nextBefore: z.number().int().nullable() }),
    },
    handle: ({ params, query, caller }) => listConversationMessages(db, caller, { conversationId: params.id, ...query }),
  });

  api.operation({
    ...base,
    method: 'post',
    path: '/api/conversations/{id}/assign',
    summary: 'Take it ("me") or, as a supervisor or admin, give it to someone: it goes to `human` (409 if someone took it first)',
    params: idParam,
    body: z.object({ assignee: z.union([z.literal('me'), z.number().int().positive()]) }),
    success: done,
    handle: ({ params, body, caller, audit }) =>
      assignConversation(
        ops,
        caller,
        { conversationId: params.id, assignee: body.assignee === 'me' ? caller.userId : body.assignee },
        audit,
      ),
  });

  api.operation({
    ...base,
    method: 'post',
    path: '/api/conversations/{id}/messages',
    summary: 'Reply to the customer (its assignee, or a supervisor or admin); delivered like the bot’s replies',
    params: idParam,
    body: z.object({ text }),
    success: {
      status: 201,
      description: 'Stored and queued for delivery',
      schema: z.object({ messageId: z.number().int(), parts: z.number().int() }),
    },
    handle: ({ params, body, caller, audit }) =>
      sendAgentReply(
        { db, queue: deps.queue, logger: deps.logger, events: deps.events, splitText },
        caller,
        { conversationId: params.id, text: body.text },
        audit,
      ),
  });

  api.operation({
    ...base,
    method: 'post',
    path: '/api/conversations/{id}/notes',
    summary: 'An internal note: in the history for staff, never sent to the customer',
    params: idParam,
    body: z.object({ text }),
    success: { status: 201, description: 'Stored', schema: z.object({ messageId: z.number().int() }) },
    handle: ({ params, body, caller, audit }) => addConversationNote(ops, caller, { conversationId: params.id, text: body.text }, audit),
  });

  api.operation({
    ...base,
    method: 'post',
    path: '/api/conversations/{id}/resolve',
    summary: 'Hand it back to the bot, which answers the customer’s next message',
    params: idParam,
    success: done,
    handle: ({ params, caller, audit }) => resolveConversation(ops, caller, params.id, audit),
  });

  api.operation({
    ...base,
    method: 'post',
    path: '/api/conversations/{id}/close',
    summary: 'Close it: the customer’s next message opens a new conversation',
    params: idParam,
    success: done,
    handle: ({ params, caller, audit }) => closeConversation(ops, caller, params.id, audit),
  });
}
