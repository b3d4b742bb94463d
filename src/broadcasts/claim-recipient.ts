import { eq, sql } from 'drizzle-orm';
import type { Channel, ChannelKind, OutboundRecipient } from '../channels/types.ts';
import { readReplyWindow } from '../conversations/reply-window.ts';
import type { Database } from '../db/connect.ts';
import { broadcastRecipients, messages } from '../db/schema.ts';
import type { Transaction } from '../db/transaction.ts';
import { optedOut } from './opt-out.ts';

/** A recipient claimed for sending: marked `sending`, its message stored, the request not yet made. */
export interface ClaimedRecipient {
  recipientId: number;
  messageId: number;
  channel: Channel;
  to: OutboundRecipient;
}

export type Claim = { kind: 'send'; recipient: ClaimedRecipient } | { kind: 'skipped'; reason: string } | { kind: 'none' };

interface Candidate {
  id: number;
  customerId: number;
  externalId: string | null;
  channel: ChannelKind | null;
  accountName: string | null;
  channelAccountId: number | null;
  conversationId: number | null;
  servicerUserId: string | null;
  optedOut: boolean;
}

/**
 * Takes the broadcast's next pending recipient, in one transaction: decides whether their channel
 * lets us write to them now (skipped with the reason if not), else stores the broadcast as a message
 * in their latest conversation and marks them `sending` — all committed before the request leaves,
 * like a reply's delivery (docs/delivery-guarantees.md). `for update skip locked`: two workers on
 * one broadcast never take the same recipient. Nothing is claimed once the broadcast is cancelled.
 */
export async function claimNextRecipient(
  db: Database,
  broadcast: { id: number; text: string },
  channels: ReadonlyMap<ChannelKind, Channel>,
): Promise<Claim> {
  return db.transaction(async (tx) => {
    const found = (await tx.execute(sql`
      select r.id::bigint as id, r.customer_id::bigint as "customerId", cu.external_id as "externalId",
             a.channel, a.name as "accountName", a.id as "channelAccountId",
             c.id::bigint as "conversationId", c.servicer_userid as "servicerUserId",
             ${optedOut(sql`r.customer_id`)} as "optedOut"
      from broadcast_recipients r
      join broadcasts b on b.id = r.broadcast_id and b.state = 'sending'
      left join customers cu on cu.id = r.customer_id
      left join channel_accounts a on a.id = cu.channel_account_id
      left join lateral (select id, servicer_userid from conversations where customer_id = r.customer_id order by id desc limit 1) c on true
      where r.broadcast_id = ${broadcast.id} and r.state = 'pending'
      order by r.id limit 1
      for update of r skip locked`)) as unknown as { rows: Candidate[] };
    const row = found.rows[0];
    if (!row) return { kind: 'none' };
    const recipientId = Number(row.id);
    const reason = await whyNot(tx, row, channels);
    if (reason) {
      await tx
        .update(broadcastRecipients)
        .set({ state: 'skipped', reason, updatedAt: sql`now()` })
        .where(eq(broadcastRecipients.id, recipientId));
      return { kind: 'skipped', reason };
    }
    const [message] = await tx
      .insert(messages)
      .values({
        conversationId: Number(row.conversationId),
        channelAccountId: row.channelAccountId!,
        direction: 'out',
        sender: 'bot',
        kind: 'text',
        text: broadcast.text,
        content: { type: 'text', text: broadcast.text },
        status: 'queued',
        meta: { broadcastId: broadcast.id },
      })
      .returning({ id: messages.id });
    await tx
      .update(broadcastRecipients)
      .set({ state: 'sending', messageId: message!.id, updatedAt: sql`now()` })
      .where(eq(broadcastRecipients.id, recipientId));
    return {
      kind: 'send',
      recipient: {
        recipientId,
        messageId: message!.id,
        channel: channels.get(row.channel!)!,
        to: { accountName: row.accountName!, customerExternalId: row.externalId! },
      },
    };
  });
}

/** Why this recipient cannot get the broadcast now, or undefined when they can. */
async function whyNot(tx: Transaction, row: Candidate, channels: ReadonlyMap<ChannelKind, Channel>): Promise<string | undefined> {
  // Merged into another customer (a web visitor who signed in) after being listed.
  if (row.externalId === null || row.channel === null) return 'customer_gone';
  if (row.optedOut) return 'opted_out';
  const channel = channels.get(row.channel);
  if (!channel?.broadcasts) return 'channel_cannot_broadcast';
  if (row.conversationId === null) return 'no_conversation';
  const to = { accountName: row.accountName!, customerExternalId: row.externalId };
  if (channel.broadcasts.reach === 'open_session') return (await channel.broadcasts.connected?.(to)) ? undefined : 'no_open_session';
  const window = await readReplyWindow(tx, { id: Number(row.conversationId), servicerUserId: row.servicerUserId }, channel.replyWindow);
  return window.open ? undefined : (window.reason ?? 'window_closed');
}
