import type { Queue } from 'bullmq';
import { eq } from 'drizzle-orm';
import type { Channel } from '../channels/types.ts';
import { channelAccounts, deliveries, messages } from '../db/schema.ts';
import type { Executor } from '../db/transaction.ts';
import type { Logger } from '../observability/logger.ts';
import { enqueueTurns, type TurnJobData } from '../queue/conversation-queue.ts';

/**
 * The lines that tell a customer a person joined or left, on channels whose client shows them
 * (Channel.showsStaffChanges: the web widget). Stored as system messages, so they stay in the
 * visitor's history across reloads, and delivered like a reply: one delivery, a turn job, the
 * worker's exactly-once send. Channels that count every message against a quota leave them out.
 */
export const staffJoinedLine = (displayName: string) => `人工客服 ${displayName} 已接入`;
export const BACK_TO_BOT_LINE = '已转回智能助手';

export interface StaffLineDeps {
  queue: Queue<TurnJobData>;
  logger: Logger;
  /** Whether this channel's customers are shown the lines. */
  shows(channelKind: string): boolean;
}

export function staffLinesFor(channels: Channel[], queue: Queue<TurnJobData>, logger: Logger): StaffLineDeps {
  const showing = new Set<string>(channels.filter((c) => c.showsStaffChanges).map((c) => c.kind));
  return { queue, logger, shows: (kind) => showing.has(kind) };
}

/**
 * Stores the line in the operation's transaction when the conversation's channel shows it;
 * returns the turn to queue once that transaction has committed (queueStaffLine).
 */
export async function storeStaffLine(
  tx: Executor,
  deps: StaffLineDeps,
  conversation: { id: number; channelAccountId: number },
  line: { text: string; event: 'joined' | 'left'; staffUserId?: number },
): Promise<TurnJobData | undefined> {
  const [account] = await tx
    .select({ channel: channelAccounts.channel })
    .from(channelAccounts)
    .where(eq(channelAccounts.id, conversation.channelAccountId));
  if (!account || !deps.shows(account.channel)) return undefined;
  const [row] = await tx
    .insert(messages)
    .values({
      conversationId: conversation.id,
      channelAccountId: conversation.channelAccountId,
      direction: 'out',
      sender: 'system',
      kind: 'text',
      text: line.text,
      content: { type: 'text', text: line.text },
      status: 'queued',
      meta: { staffChange: line.event, ...(line.staffUserId !== undefined && { staffUserId: line.staffUserId }) },
    })
    .returning({ id: messages.id, createdAt: messages.createdAt });
  await tx.insert(deliveries).values({ messageId: row!.id, conversationId: conversation.id, part: 0, body: line.text });
  return { conversationId: conversation.id, messageId: row!.id, messageStoredAt: row!.createdAt.getTime() };
}

/** Queues the line's delivery; if Redis is away, the recovery sweep finds the unsent part. */
export async function queueStaffLine(deps: StaffLineDeps | undefined, turn: TurnJobData | undefined): Promise<void> {
  if (!deps || !turn) return;
  await enqueueTurns(deps.queue, [turn], 0).catch((err: unknown) =>
    deps.logger.warn({ err, conversationId: turn.conversationId }, 'staff line not queued; the recovery sweep will'),
  );
}
