import { eq, sql } from 'drizzle-orm';
import type { Queue } from 'bullmq';
import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import type { Database } from '../db/connect.ts';
import { channelAccounts, conversations, deliveries } from '../db/schema.ts';
import { PermissionError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';
import { enqueueTurns, type TurnJobData } from '../queue/conversation-queue.ts';
import { insertAgentMessage } from './agent-messages.ts';
import type { ConversationEvents } from './conversation-events.ts';
import { conflict, eventOf, holds, readForStaff, type StaffActor } from './staff-access.ts';

export interface AgentReplyDeps {
  db: Database;
  queue: Queue<TurnJobData>;
  logger: Logger;
  events: ConversationEvents;
  /** The channel's own split of a text into parts its API accepts (ChannelSender.splitText). */
  splitText(channel: string, text: string): string[];
}

/**
 * A person's reply goes out like the bot's: an outbound message (sender `agent`, who in `meta`)
 * with one delivery per part, stored in one transaction with its audit entry while the
 * conversation is still held by the same person; then a turn job for the conversation, whose
 * worker delivers the parts under the conversation lock with the bot's retries and exactly-once
 * marks (src/delivery/deliver-unfinished.ts). The reply names its own turn: if the job is lost,
 * the recovery sweep finds the unsent parts by it (src/conversations/find-unfinished-turns.ts).
 */
export async function sendAgentReply(
  deps: AgentReplyDeps,
  actor: StaffActor & { displayName: string },
  input: { conversationId: number; text: string },
  audit: AuditContext,
): Promise<{ messageId: number; parts: number }> {
  const stored = await deps.db.transaction(async (tx) => {
    const current = await readForStaff(tx, actor, input.conversationId);
    if (current.status !== 'human') throw conflict(current.id, `it is ${current.status}: assign it before replying`);
    if (!holds(actor, current)) throw new PermissionError(`conversation ${current.id} is assigned to someone else`);
    const [held] = await tx
      .update(conversations)
      .set({ lastMessageAt: sql`now()`, updatedAt: sql`now()` })
      .where(
        sql`${conversations.id} = ${current.id} and ${conversations.status} = 'human' and ${conversations.assignee} = ${current.assignee}`,
      )
      .returning({ accountId: conversations.channelAccountId });
    if (!held) throw conflict(current.id, 'it changed meanwhile; reload it');
    const [account] = await tx
      .select({ channel: channelAccounts.channel })
      .from(channelAccounts)
      .where(eq(channelAccounts.id, held.accountId));
    const parts = deps.splitText(account!.channel, input.text);
    const reply = await insertAgentMessage(tx, actor, {
      conversationId: current.id,
      channelAccountId: held.accountId,
      kind: 'text',
      text: input.text,
      status: 'queued',
    });
    await tx.insert(deliveries).values(parts.map((body, part) => ({ messageId: reply.id, conversationId: current.id, part, body })));
    await recordAudit(tx, audit, {
      action: 'conversation.reply',
      objectType: 'conversation',
      objectId: current.id,
      details: { messageId: reply.id, parts: parts.length },
    });
    return { current, messageId: reply.id, storedAt: reply.createdAt.getTime(), parts: parts.length };
  });
  deps.events.publish(eventOf(stored.current, 'message'));
  // The reply is stored: answering an error now would invite the person to send it twice. If
  // Redis is down, the recovery sweep queues the turn once it is back.
  await enqueueTurns(
    deps.queue,
    [{ conversationId: input.conversationId, messageId: stored.messageId, messageStoredAt: stored.storedAt }],
    0,
  ).catch((err: unknown) =>
    deps.logger.warn(
      { err, conversationId: input.conversationId, messageId: stored.messageId },
      'agent reply not queued; the recovery sweep will',
    ),
  );
  return { messageId: stored.messageId, parts: stored.parts };
}
