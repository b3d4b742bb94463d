import type { Queue } from 'bullmq';
import { z } from 'zod';
import type { Channel } from '../channels/types.ts';
import { addConversationNote } from '../conversations/add-conversation-note.ts';
import { assignConversation } from '../conversations/assign-conversation.ts';
import { closeConversation } from '../conversations/close-conversation.ts';
import { listConversationMessages } from '../conversations/conversation-history.ts';
import type { ConversationEvents } from '../conversations/conversation-events.ts';
import { handToServicer, listOnDutyServicers } from '../conversations/hand-to-servicer.ts';
import { inboxViews } from '../conversations/inbox-views.ts';
import { listInbox, readConversation } from '../conversations/list-inbox.ts';
import { readReplyWindow } from '../conversations/reply-window.ts';
import { resolveConversation } from '../conversations/resolve-conversation.ts';
import { replyWindowByChannel, sendAgentReply, splitByChannel } from '../conversations/send-agent-reply.ts';
import type { RoundRobin } from '../conversations/staff-access.ts';
import { staffLinesFor } from '../conversations/staff-lines.ts';
import { transferConversation } from '../conversations/transfer-conversation.ts';
import type { Database } from '../db/connect.ts';
import { conversationStatuses } from '../db/schema.ts';
import type { Logger } from '../observability/logger.ts';
import type { TurnJobData } from '../queue/conversation-queue.ts';
import type { WorkspaceTimings } from '../conversations/workspace-timings.ts';
import type { StaffRole } from '../staff/roles.ts';
import type { ApiRegistry } from './api-registry.ts';
import { idParam, timestamp } from './api-schemas.ts';
import { registerInboxRoutes } from './inbox-routes.ts';

/** Who works in conversations. Marketers do not: no conversation bodies unless granted (issue 13). */
const CONVERSATION_ROLES: readonly StaffRole[] = ['admin', 'supervisor', 'agent'];

export interface ConversationRoutesDeps {
  db: Database;
  /** The conversation queue: an agent's reply is delivered by a turn job, like the bot's. */
  queue: Queue<TurnJobData>;
  logger: Logger;
  /** The channels this process built, for their split of a reply into parts, reply windows and servicers. */
  channels: Channel[];
  /** Told after a change commits (src/conversations/conversation-events.ts). */
  events: ConversationEvents;
  /** Where handoff wait and first-response times go (the Prometheus histograms). */
  timings?: WorkspaceTimings;
  /** Assigns what waits again after a transfer, resolve or close (src/conversations/round-robin.ts). */
  roundRobin?: RoundRobin;
}

const status = z.enum(conversationStatuses);
export const conversation = z
  .object({
    id: z.number().int(),
    status,
    channel: z.string(),
    account: z.string(),
    customer: z.object({ id: z.number().int(), externalId: z.string(), displayName: z.string().nullable() }),
    handoffReason: z.string().nullable(),
    waitingSince: timestamp.nullable(),
    assignee: z.number().int().nullable(),
    servicerUserId: z
      .string()
      .nullable()
      .meta({ description: '微信客服: the WeCom member holding it in the WeCom client (assignee is then null)' }),
    lastMessageAt: timestamp,
    createdAt: timestamp,
    resolvedAt: timestamp.nullable(),
    unread: z.number().int(),
  })
  .meta({ id: 'Conversation' });
const replyWindow = z
  .object({
    open: z.boolean(),
    closesAt: timestamp.nullable(),
    remaining: z.number().int().nullable(),
    limit: z.number().int().nullable(),
    reason: z.enum(['window_closed', 'quota_spent', 'held_by_servicer']).nullable(),
  })
  .meta({
    id: 'ReplyWindow',
    description:
      'What the platform lets us send now (Official Account, 微信客服: 5 messages within 48 h of the customer’s last message); null fields when the channel has no window',
  });
const conversationDetail = conversation.extend({ replyWindow }).meta({ id: 'ConversationDetail' });
const servicer = z.object({ userId: z.string() }).meta({ id: 'ClientServicer' });
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
  view: z.enum(inboxViews).default('all'),
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
  const channelOf = (kind: string) => deps.channels.find((c) => c.kind === kind);
  const splitText = splitByChannel(deps.channels);
  const lines = staffLinesFor(deps.channels, deps.queue, deps.logger);
  // A conversation of a channel no longer configured still reads (its window unknown: none shown).
  const replyWindowRule = replyWindowByChannel(deps.channels);
  const servicerDeps = { db, events: deps.events, servicersOf: (kind: string) => channelOf(kind)?.servicers };
  const ops = {
    db,
    events: deps.events,
    lines,
    ...(deps.timings && { timings: deps.timings }),
    ...(deps.roundRobin && { roundRobin: deps.roundRobin }),
  };
  const base = { tag: 'conversations', access: CONVERSATION_ROLES };
  const done = { status: 204, description: 'Done' } as const;

  api.operation({
    ...base,
    method: 'get',
    path: '/api/conversations',
    summary:
      'The inbox by view: `waiting` (longest wait first, with the reason), `mine`, `all` (waiting first, then the rest by last message; agents see those waiting and their own), `resolved` (most recent first). Each item carries the caller’s unread count.',
    query: inboxQuery,
    success: {
      status: 200,
      description: 'A page',
      schema: z.object({ conversations: z.array(conversation), nextCursor: z.string().nullable() }),
    },
    handle: ({ query, caller }) => listInbox(db, caller, query),
  });

  // Before /api/conversations/{id}: their paths would match it.
  registerInboxRoutes(api, { db, access: CONVERSATION_ROLES, conversation });

  api.operation({
    ...base,
    method: 'get',
    path: '/api/conversations/{id}',
    summary: 'One conversation',
    params: idParam,
    success: { status: 200, description: 'The conversation, with its reply window', schema: conversationDetail },
    handle: async ({ params, caller }) => {
      const found = await readConversation(db, caller, params.id);
      return { ...found, replyWindow: await readReplyWindow(db, found, replyWindowRule(found.channel)) };
    },
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
    summary:
      'Reply to the customer (its assignee, or a supervisor or admin); delivered like the bot’s replies. 409 `reply_window_closed` / `reply_quota_spent` when the platform’s window does not allow it (nothing is stored), `held_by_servicer` while a 微信客服 servicer has it',
    params: idParam,
    body: z.object({ text }),
    success: {
      status: 201,
      description: 'Stored and queued for delivery',
      schema: z.object({ messageId: z.number().int(), parts: z.number().int() }),
    },
    handle: ({ params, body, caller, audit }) =>
      sendAgentReply(
        {
          db,
          queue: deps.queue,
          logger: deps.logger,
          events: deps.events,
          splitText,
          replyWindowRule,
          ...(deps.timings && { timings: deps.timings }),
        },
        caller,
        { conversationId: params.id, text: body.text },
        audit,
      ),
  });

  api.operation({
    ...base,
    method: 'get',
    path: '/api/conversations/{id}/servicers',
    summary: '微信客服: the servicers on duty (kf/servicer/list, status 0) who can take it in the WeCom client; 409 on other channels',
    params: idParam,
    success: { status: 200, description: 'On duty', schema: z.object({ servicers: z.array(servicer) }) },
    handle: async ({ params, caller }) => ({ servicers: await listOnDutyServicers(servicerDeps, caller, params.id) }),
  });

  api.operation({
    ...base,
    method: 'post',
    path: '/api/conversations/{id}/servicer',
    summary:
      '微信客服: hand it to a servicer who answers in the WeCom client (session state 3); 409 `servicer_not_on_duty` when they are not receiving. Our console stops sending until they end the session',
    params: idParam,
    // A WeCom member's userid: 1–64 of letters, digits and _-.@ (成员 userid, https://developer.work.weixin.qq.com/document/path/90195).
    body: z.object({ servicerUserId: z.string().regex(/^[0-9A-Za-z_.@-]{1,64}$/, 'a WeCom userid') }),
    success: done,
    handle: ({ params, body, caller, audit }) =>
      handToServicer(servicerDeps, caller, { conversationId: params.id, servicerUserId: body.servicerUserId }, audit),
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
    path: '/api/conversations/{id}/transfer',
    summary: 'Back to waiting, in a team’s queue, nobody holding it (its assignee, or a supervisor or admin); to a person, use assign',
    params: idParam,
    body: z.object({ teamId: z.number().int().positive() }),
    success: done,
    handle: ({ params, body, caller, audit }) =>
      transferConversation(ops, caller, { conversationId: params.id, teamId: body.teamId }, audit),
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
