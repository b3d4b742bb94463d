import { eq } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { channelAccounts } from '../db/schema.ts';
import { knowledgeBaseOfAccount } from './channel-accounts.ts';
import { readForStaff, type StaffActor } from './staff-access.ts';

/**
 * The knowledge base the bot answers this conversation from (its channel account's), for a staff
 * member searching it: 404 when there is no conversation, 403 when the actor may not see it.
 */
export async function knowledgeBaseOfConversation(db: Database, actor: StaffActor, conversationId: number): Promise<string> {
  const conversation = await readForStaff(db, actor, conversationId);
  const [account] = await db
    .select({ settings: channelAccounts.settings })
    .from(channelAccounts)
    .where(eq(channelAccounts.id, conversation.channelAccountId));
  return knowledgeBaseOfAccount(account?.settings ?? {});
}
