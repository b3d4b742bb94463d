import { sql } from 'drizzle-orm';
import { knowledgeBaseOfAccount } from '../conversations/channel-accounts.ts';
import type { Database } from '../db/connect.ts';
import { queryRows } from '../db/rows.ts';

/** Messages read to find the distinct ones: a customer who repeats a question counts once. */
const SCANNED = 3000;
/** Longer messages are descriptions, not questions a vocabulary decides. */
const MAX_CHARS = 200;

/**
 * The newest distinct questions customers typed (text messages from customers, newest first),
 * with the knowledge base their channel account answers from: what a change of the bot's
 * vocabulary would be tried on (src/settings/preview-settings.ts). Read through the index on
 * created_at (messages_created_by_channel), newest first, at most SCANNED rows.
 */
export async function listRecentCustomerQuestions(db: Database, limit: number): Promise<Array<{ text: string; knowledgeBase: string }>> {
  const rows = await queryRows<{ text: string; settings: Record<string, unknown> }>(
    db,
    sql`
    select m.text, a.settings
    from (select text, channel_account_id, created_at from messages
          where direction = 'in' and sender = 'customer' and kind = 'text' and coalesce(text, '') <> ''
          order by created_at desc limit ${SCANNED}) m
    join channel_accounts a on a.id = m.channel_account_id
    order by m.created_at desc`,
  );
  const seen = new Set<string>();
  const questions: Array<{ text: string; knowledgeBase: string }> = [];
  for (const { text, settings } of rows) {
    const trimmed = text.trim();
    const knowledgeBase = knowledgeBaseOfAccount(settings);
    const key = `${knowledgeBase}\n${trimmed}`;
    if (trimmed === '' || [...trimmed].length > MAX_CHARS || seen.has(key)) continue;
    seen.add(key);
    questions.push({ text: trimmed, knowledgeBase });
    if (questions.length === limit) break;
  }
  return questions;
}
