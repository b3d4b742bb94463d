import { eq } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { conversations } from '../db/schema.ts';

/**
 * The model brain's rolling summary of a conversation lives on the conversation row
 * (conversations.summary, summarized_through). The brain sees these through its own SummaryStore
 * interface, handed in by the composition root: it never reads conversation tables itself.
 */
export interface ConversationSummary {
  text: string;
  /** Time of the newest turn folded in. */
  through: Date;
}

export async function loadConversationSummary(db: Database, conversationId: number): Promise<ConversationSummary | undefined> {
  const [row] = await db
    .select({ text: conversations.summary, through: conversations.summarizedThrough })
    .from(conversations)
    .where(eq(conversations.id, conversationId));
  return row?.text && row.through ? { text: row.text, through: row.through } : undefined;
}

export async function saveConversationSummary(db: Database, conversationId: number, summary: ConversationSummary): Promise<void> {
  await db
    .update(conversations)
    .set({ summary: summary.text, summarizedThrough: summary.through })
    .where(eq(conversations.id, conversationId));
}

/** Both, bound to one database: the shape of the brain's SummaryStore. */
export function conversationSummaries(db: Database) {
  return {
    load: (conversationId: number) => loadConversationSummary(db, conversationId),
    save: (conversationId: number, summary: ConversationSummary) => saveConversationSummary(db, conversationId, summary),
  };
}
