import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { conversations, deliveries, messages } from '../db/schema.ts';

export interface ReplyToSave {
  conversationId: number;
  /** The pending inbound messages this reply answers; the last one names the turn. */
  answers: number[];
  text: string;
  parts: string[];
  meta: Record<string, unknown>;
  /** Set when the brain hands the conversation to a person. */
  handoffReason?: string;
}

/**
 * Stores the bot's reply, its deliveries (one per part) and marks the answered messages — in one
 * transaction, so a crash leaves either no reply (the turn runs again) or a reply whose deliveries
 * are still to send. The unique index on reply_to_id makes a second reply to the same turn
 * impossible; the loser of such a race learns it and sends nothing.
 */
export async function saveReply(db: Database, reply: ReplyToSave): Promise<{ saved: boolean }> {
  const turnId = reply.answers[reply.answers.length - 1]!;
  return db.transaction(async (tx) => {
    const [conversation] = await tx
      .select({ channelAccountId: conversations.channelAccountId })
      .from(conversations)
      .where(eq(conversations.id, reply.conversationId));
    const [out] = await tx
      .insert(messages)
      .values({
        conversationId: reply.conversationId,
        channelAccountId: conversation!.channelAccountId,
        direction: 'out',
        sender: 'bot',
        kind: 'text',
        text: reply.text,
        content: { type: 'text', text: reply.text },
        status: 'queued',
        replyToId: turnId,
        meta: reply.meta,
      })
      .onConflictDoNothing({ target: messages.replyToId })
      .returning({ id: messages.id });
    if (!out) return { saved: false };
    await tx.insert(deliveries).values(reply.parts.map((body, part) => ({ messageId: out.id, conversationId: reply.conversationId, part, body })));
    await tx
      .update(messages)
      .set({ status: 'answered', answeredById: out.id })
      .where(and(inArray(messages.id, reply.answers), eq(messages.status, 'pending')));
    await tx
      .update(conversations)
      .set({
        lastMessageAt: sql`now()`,
        updatedAt: sql`now()`,
        ...(reply.handoffReason ? { status: 'needs_human' as const, handoffReason: reply.handoffReason } : {}),
      })
      .where(eq(conversations.id, reply.conversationId));
    return { saved: true };
  });
}

/** Pending messages of a conversation a person owns are held for that person, not answered. */
export async function holdPendingMessages(db: Database, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.update(messages).set({ status: 'held' }).where(and(inArray(messages.id, ids), eq(messages.status, 'pending')));
}

/**
 * Flags a conversation for a human (status needs_human) with the reason; the bot stops answering
 * it until an agent releases it. A conversation already with a human keeps its status.
 */
export async function flagForHuman(db: Database, conversationId: number, reason: string): Promise<void> {
  await db
    .update(conversations)
    .set({ status: 'needs_human', handoffReason: reason, updatedAt: sql`now()` })
    .where(and(eq(conversations.id, conversationId), eq(conversations.status, 'bot')));
}
