import type { Executor } from '../db/transaction.ts';
import { messages } from '../db/schema.ts';

/**
 * Something that happened to a conversation, in its history for staff: sender `system`, kind
 * `event`, status `ignored` — never a question for the bot, never in its memory
 * (src/conversations/load-turn.ts reads answered, sent and held messages only), never sent.
 * `dedupeKey` makes a platform event that arrives again (a replayed sync page) a no-op: returns
 * undefined then.
 */
export async function insertSystemEvent(
  tx: Executor,
  event: {
    conversationId: number;
    channelAccountId: number;
    event: string;
    detail: Record<string, string>;
    /** What the console shows. */
    text: string;
    dedupeKey?: string;
    platformSentAt?: Date;
  },
): Promise<{ id: number } | undefined> {
  const [row] = await tx
    .insert(messages)
    .values({
      conversationId: event.conversationId,
      channelAccountId: event.channelAccountId,
      direction: 'in',
      sender: 'system',
      kind: 'event',
      text: event.text,
      content: { type: 'event', event: event.event, detail: event.detail },
      status: 'ignored',
      dedupeKey: event.dedupeKey ?? null,
      platformSentAt: event.platformSentAt ?? null,
    })
    .onConflictDoNothing()
    .returning({ id: messages.id });
  return row;
}
