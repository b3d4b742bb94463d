import { eq, sql } from 'drizzle-orm';
import type { Channel, ChannelKind, OutboundRecipient } from '../channels/types.ts';
import { readReplyWindow } from '../conversations/reply-window.ts';
import type { Database } from '../db/connect.ts';
import { broadcastRecipients, messages } from '../db/schema.ts';
import { optedOut } from './opt-out.ts';
import { latestConversation, type RecipientFacts, skipReason } from './skip-reason.ts';

/** A recipient claimed for sending: marked `sending`, its message stored, the request not yet made. */
export interface ClaimedRecipient {
  recipientId: number;
  messageId: number;
  channel: Channel;
  to: OutboundRecipient;
}

export type Claim = { kind: 'send'; recipient: ClaimedRecipient } | { kind: 'skipped'; reason: string } | { kind: 'none' };

interface Candidate extends RecipientFacts {
  id: number;
  customerId: number;
  channelAccountId: number | null;
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
      ${latestConversation(sql`r.customer_id`)}
      where r.broadcast_id = ${broadcast.id} and r.state = 'pending'
      order by r.id limit 1
      for update of r skip locked`)) as unknown as { rows: Candidate[] };
    const row = found.rows[0];
    if (!row) return { kind: 'none' };
    const recipientId = Number(row.id);
    const reason = await skipReason({ ...row, conversationId: row.conversationId === null ? null : Number(row.conversationId) }, channels, {
      window: (c, rule) => readReplyWindow(tx, c, rule),
      connected: async (channel, to) => (await channel.broadcasts?.connected?.([to]))?.[0] ?? false,
    });
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
