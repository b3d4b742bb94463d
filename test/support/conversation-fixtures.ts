import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import type { ChannelKind } from '../../src/channels/types.ts';
import { findChannelAccountId, syncChannelAccounts } from '../../src/conversations/channel-accounts.ts';
import { flagForHuman } from '../../src/conversations/flag-for-human.ts';
import { recordInbound } from '../../src/conversations/record-inbound.ts';
import type { Database } from '../../src/db/connect.ts';
import { conversations } from '../../src/db/schema.ts';

export interface CustomerMessage {
  channel?: ChannelKind;
  account?: string;
  /** The account's settings when the account has no row yet, e.g. `{ knowledgeBase: 'shop' }`. */
  settings?: Record<string, unknown>;
  customer: string;
  text: string;
}

/**
 * A customer's text stored the way the intake stores it (account row, customer, open conversation),
 * without a channel's callback: for the console tests that need conversations but no bot.
 */
export async function customerWrites(db: Database, input: CustomerMessage) {
  const channel = input.channel ?? 'wecom';
  const account = input.account ?? 'default';
  // A running service made its accounts' rows from its config: those are kept as they are.
  const channelAccountId =
    (await findChannelAccountId(db, channel, account)) ??
    (await syncChannelAccounts(db, [{ channel, name: account, settings: input.settings ?? {} }])).values().next().value!;
  const stored = await recordInbound(db, channelAccountId, {
    channel,
    accountName: account,
    customerExternalId: input.customer,
    dedupeKey: randomBytes(8).toString('hex'),
    sentAt: new Date(),
    content: { type: 'text', text: input.text },
  });
  const [row] = await db
    .select({ customerId: conversations.customerId })
    .from(conversations)
    .where(eq(conversations.id, stored.conversationId));
  return { conversationId: stored.conversationId, customerId: row!.customerId, channelAccountId };
}

/** The bot gave up on the conversation: it waits for a person. */
export const waitForPerson = (db: Database, conversationId: number, reason = 'customer_asked') => flagForHuman(db, conversationId, reason);
