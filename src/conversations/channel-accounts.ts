import { and, eq, sql } from 'drizzle-orm';
import type { ChannelKind } from '../channels/types.ts';
import type { Database } from '../db/connect.ts';
import { channelAccounts } from '../db/schema.ts';

export type AccountIds = Map<string, number>;

export const accountKey = (channel: ChannelKind, name: string) => `${channel}/${name}`;

/**
 * Makes sure every configured channel account has its row (messages and customers reference it)
 * and returns their ids. Accounts live in config; the table records them for the data's sake.
 */
export async function syncChannelAccounts(
  db: Database,
  accounts: Array<{ channel: ChannelKind; name: string; settings: Record<string, unknown> }>,
): Promise<AccountIds> {
  const ids: AccountIds = new Map();
  for (const a of accounts) {
    const [row] = await db
      .insert(channelAccounts)
      .values({ channel: a.channel, name: a.name, settings: a.settings })
      .onConflictDoUpdate({ target: [channelAccounts.channel, channelAccounts.name], set: { settings: sql`excluded.settings` } })
      .returning({ id: channelAccounts.id });
    ids.set(accountKey(a.channel, a.name), row!.id);
  }
  return ids;
}

/** The id of one account's row, if it has one. */
export async function findChannelAccountId(db: Database, channel: ChannelKind, name: string): Promise<number | undefined> {
  const [row] = await db
    .select({ id: channelAccounts.id })
    .from(channelAccounts)
    .where(and(eq(channelAccounts.channel, channel), eq(channelAccounts.name, name)));
  return row?.id;
}

/** The knowledge base an account answers from: the one its settings name (`knowledgeBase`), else `default`. */
export function knowledgeBaseOfAccount(settings: Record<string, unknown>): string {
  return typeof settings.knowledgeBase === 'string' ? settings.knowledgeBase : 'default';
}
