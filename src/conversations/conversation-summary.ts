import { eq } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { conversations } from '../db/schema.ts';
import type { StoredSummary, SummaryStore } from '../brain/model/conversation-memory.ts';

/** The rolling summary lives on the conversation row (conversations.summary, summarized_through). */
export class DatabaseSummaryStore implements SummaryStore {
  constructor(private readonly db: Database) {}

  async load(conversationId: number): Promise<StoredSummary | undefined> {
    const [row] = await this.db
      .select({ text: conversations.summary, through: conversations.summarizedThrough })
      .from(conversations)
      .where(eq(conversations.id, conversationId));
    return row?.text && row.through ? { text: row.text, through: row.through } : undefined;
  }

  async save(conversationId: number, summary: StoredSummary): Promise<void> {
    await this.db
      .update(conversations)
      .set({ summary: summary.text, summarizedThrough: summary.through })
      .where(eq(conversations.id, conversationId));
  }
}
