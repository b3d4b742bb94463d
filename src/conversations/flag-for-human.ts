import { and, eq, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { conversations } from '../db/schema.ts';

/**
 * Flags a conversation for a human (status needs_human) with the reason; the bot stops answering
 * it until an agent releases it. A conversation already with a human keeps its status.
 */
export async function flagForHuman(db: Database, conversationId: number, reason: string): Promise<void> {
  await db
    .update(conversations)
    .set({
      status: 'needs_human',
      handoffReason: reason,
      waitingSince: sql`now()`,
      updatedAt: sql`now()`,
      // It waits in its account's team's queue, when the account has one.
      teamId: sql`coalesce((select team_id from team_channel_accounts t where t.channel_account_id = ${conversations.channelAccountId}), ${conversations.teamId})`,
    })
    .where(and(eq(conversations.id, conversationId), eq(conversations.status, 'bot')));
}
