import { type SQL, sql } from 'drizzle-orm';
import type { Channel, ChannelKind, OutboundRecipient } from '../channels/types.ts';
import type { ReplyWindowRule, ReplyWindowView } from '../conversations/reply-window.ts';

/**
 * Why one customer cannot get a broadcast now, decided the same way when it is sent
 * (src/broadcasts/claim-recipient.ts) and when its reach is forecast (forecast-broadcast.ts).
 */
export interface RecipientFacts {
  externalId: string | null;
  channel: ChannelKind | null;
  accountName: string | null;
  conversationId: number | null;
  servicerUserId: string | null;
  optedOut: boolean;
}

/**
 * How the caller learns what the platforms allow: a recipient at a time when sending, or read for a
 * whole audience beforehand by the forecast. `window`: a conversation's reply window; `connected`:
 * whether the customer's client is open now (channels that reach `open_session`).
 */
export interface ReachLookups {
  window(conversation: { id: number; servicerUserId: string | null }, rule: ReplyWindowRule | undefined): Promise<ReplyWindowView>;
  connected(channel: Channel, to: OutboundRecipient): Promise<boolean>;
}

/** SQL (a lateral join `c`): the customer's latest conversation, the one a broadcast is stored in. */
export function latestConversation(customerIdSql: SQL): SQL {
  return sql`left join lateral (select id, servicer_userid from conversations where customer_id = ${customerIdSql} order by id desc limit 1) c on true`;
}

/** The reason code the sender records as `skipped`, or undefined when the customer can get it now. */
export async function skipReason(
  facts: RecipientFacts,
  channels: ReadonlyMap<ChannelKind, Channel>,
  lookups: ReachLookups,
): Promise<string | undefined> {
  // Merged into another customer (a web visitor who signed in) after being listed.
  if (facts.externalId === null || facts.channel === null) return 'customer_gone';
  if (facts.optedOut) return 'opted_out';
  const channel = channels.get(facts.channel);
  if (!channel?.broadcasts) return 'channel_cannot_broadcast';
  if (facts.conversationId === null) return 'no_conversation';
  const to = { accountName: facts.accountName!, customerExternalId: facts.externalId };
  if (channel.broadcasts.reach === 'open_session') return (await lookups.connected(channel, to)) ? undefined : 'no_open_session';
  const window = await lookups.window({ id: facts.conversationId, servicerUserId: facts.servicerUserId }, channel.replyWindow);
  return window.open ? undefined : (window.reason ?? 'window_closed');
}
