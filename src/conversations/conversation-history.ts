import { and, desc, eq, lt } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { messages } from '../db/schema.ts';
import { readForStaff, type StaffActor } from './staff-access.ts';

export interface HistoryMessage {
  id: number;
  direction: 'in' | 'out';
  /** customer, bot, agent (a person: `staff`), or system (hold notices). */
  sender: string;
  /** text, image, …; `note` for internal notes, which were never sent. */
  kind: string;
  text: string | null;
  status: string;
  /** The person who wrote it, for agent replies and notes. */
  staff: { id: number; name: string } | null;
  /** What the bot decided and cited, for its answers. */
  meta: Record<string, unknown>;
  createdAt: string;
}

/**
 * The whole history of one conversation as staff read it: customer, bot and people, notes too;
 * oldest first within a page, paged backwards from the newest with `before` (a message id).
 */
export async function listConversationMessages(
  db: Database,
  actor: StaffActor,
  input: { conversationId: number; before?: number; limit: number },
): Promise<{ messages: HistoryMessage[]; nextBefore: number | null }> {
  await readForStaff(db, actor, input.conversationId);
  const rows = await db
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, input.conversationId), input.before ? lt(messages.id, input.before) : undefined))
    .orderBy(desc(messages.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  return {
    messages: page.reverse().map((m) => ({
      id: m.id,
      direction: m.direction,
      sender: m.sender,
      kind: m.kind,
      text: m.text,
      status: m.status,
      staff: typeof m.meta.staffUserId === 'number' ? { id: m.meta.staffUserId, name: String(m.meta.staffName ?? '') } : null,
      meta: m.meta,
      createdAt: m.createdAt.toISOString(),
    })),
    nextBefore: rows.length > input.limit ? page[0]!.id : null,
  };
}
