import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Channel, ChannelKind } from '../channels/types.ts';
import type { Database } from '../db/connect.ts';
import { broadcastGroupTasks, broadcastMassSends, broadcastRecipients, broadcasts, messages } from '../db/schema.ts';
import { DeliveryError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';
import { claimNextRecipient, type ClaimedRecipient } from './claim-recipient.ts';
import { enlistRecipients } from './enlist-recipients.ts';
import { sendNextGroupTask } from './send-wecom-group-tasks.ts';
import { sendMassSends } from './send-oa-mass-sends.ts';

export interface BroadcastSendingDeps {
  db: Database;
  channels: ReadonlyMap<ChannelKind, Channel>;
  logger: Logger;
}

/**
 * How long one job sends before the next job takes over: a stopping worker waits for its running
 * jobs, and a broadcast of thousands at its throttle would otherwise hold the stop for minutes.
 */
export const SLICE_MS = 15_000;

/** `more`: the slice ran out of time; `not_due`: it is scheduled later; `finished`: done, cancelled or gone. */
export type SliceOutcome = 'more' | 'not_due' | 'finished';

/**
 * Sends a broadcast for one slice (src/workers/audience-worker.ts queues the next). The first
 * slice lists its recipients. Each slice begins by closing what a killed worker left `sending`: its
 * request may have reached the platform, so it is recorded failed as `interrupted` and never sent
 * again (a recipient gets a broadcast at most once; the report counts them). Between two sends (or
 * two WeCom group tasks) it waits 60 s / perMinute.
 */
export async function sendBroadcastSlice(deps: BroadcastSendingDeps, broadcastId: number, sliceMs = SLICE_MS): Promise<SliceOutcome> {
  const { db } = deps;
  const started = Date.now();
  const broadcast = await db.transaction(async (tx) => {
    const [row] = await tx.select().from(broadcasts).where(eq(broadcasts.id, broadcastId)).for('update');
    if (!row || row.state === 'done' || row.state === 'cancelled') return undefined;
    if (row.sendAt.getTime() > Date.now()) return 'not_due' as const;
    if (!row.enlistedAt) {
      const listed = await enlistRecipients(tx, row);
      deps.logger.info({ broadcastId, listed }, 'broadcast recipients listed');
      await tx
        .update(broadcasts)
        .set({ state: 'sending', enlistedAt: sql`now()`, updatedAt: sql`now()` })
        .where(eq(broadcasts.id, broadcastId));
    }
    return row;
  });
  if (broadcast === undefined) return 'finished';
  if (broadcast === 'not_due') return 'not_due';

  await db
    .update(broadcastRecipients)
    .set({ state: 'failed', errcode: 'interrupted', updatedAt: sql`now()` })
    .where(and(eq(broadcastRecipients.broadcastId, broadcastId), eq(broadcastRecipients.state, 'sending')));
  // WeCom group tasks and Official Account mass sends a killed worker left `creating`, likewise.
  for (const batch of [broadcastGroupTasks, broadcastMassSends])
    await db
      .update(batch)
      .set({ state: 'interrupted', updatedAt: sql`now()` })
      .where(and(eq(batch.broadcastId, broadcastId), eq(batch.state, 'creating')));

  const pause = Math.ceil(60_000 / broadcast.perMinute);
  // Official Account followers carrying the broadcast's one tag: one mass send per account (send-oa-mass-sends.ts).
  const massSends = deps.channels.get('wechat-mp')?.massSends;
  if (massSends) await sendMassSends(db, broadcast, massSends, deps.logger);
  // WeCom external contacts go first, a member's task at a time (src/broadcasts/send-wecom-group-tasks.ts).
  let groupSends = deps.channels.get('wecom')?.groupSends;
  while (Date.now() - started < sliceMs) {
    if (groupSends && (await sendNextGroupTask(db, broadcast, groupSends, deps.logger))) {
      await new Promise((resolve) => setTimeout(resolve, pause));
      continue;
    }
    groupSends = undefined;
    const claim = await claimNextRecipient(db, broadcast, deps.channels);
    if (claim.kind === 'none') return finish(db, broadcastId);
    if (claim.kind === 'skipped') continue;
    await sendToRecipient(deps, broadcast.text, claim.recipient);
    await new Promise((resolve) => setTimeout(resolve, pause));
  }
  return 'more';
}

async function sendToRecipient(deps: BroadcastSendingDeps, text: string, r: ClaimedRecipient): Promise<void> {
  const { db } = deps;
  let outcome: { sent: true; platformMessageId?: string } | { sent: false; errcode: string; reason: string };
  try {
    const receipt = await r.channel.broadcasts!.send(r.to, text, r.messageId);
    outcome = { sent: true, ...(receipt.platformMessageId && { platformMessageId: receipt.platformMessageId }) };
  } catch (err) {
    // Not retried, even when the platform might take it later: a request that timed out may have
    // arrived, and without a duplicate check a retry could show it twice.
    const errcode = err instanceof DeliveryError ? err.platformCode : 'error';
    if (!(err instanceof DeliveryError)) deps.logger.error({ err, recipientId: r.recipientId }, 'broadcast send failed unexpectedly');
    outcome = { sent: false, errcode, reason: err instanceof DeliveryError ? err.message : 'unexpected error' };
  }
  // By id, whatever the state: a slice that ran alongside (a lock lost under a pause) may have
  // marked it interrupted meanwhile, and what happened is what counts.
  await db.transaction(async (tx) => {
    if (outcome.sent) {
      await tx
        .update(broadcastRecipients)
        .set({ state: 'sent', errcode: null, sentAt: sql`now()`, updatedAt: sql`now()` })
        .where(eq(broadcastRecipients.id, r.recipientId));
      await tx
        .update(messages)
        .set({ status: 'sent', platformMessageId: outcome.platformMessageId ?? null })
        .where(eq(messages.id, r.messageId));
    } else {
      await tx
        .update(broadcastRecipients)
        .set({ state: 'failed', errcode: outcome.errcode, updatedAt: sql`now()` })
        .where(eq(broadcastRecipients.id, r.recipientId));
      // Like a reply's failure (src/conversations/deliveries.ts): the platform's words on the message, where the console shows them.
      await tx
        .update(messages)
        .set({
          status: 'failed',
          meta: sql`${messages.meta} || jsonb_build_object('deliveryError', jsonb_build_object('code', ${outcome.errcode}::text, 'reason', ${outcome.reason}::text))`,
        })
        .where(eq(messages.id, r.messageId));
    }
  });
}

async function finish(db: Database, broadcastId: number): Promise<SliceOutcome> {
  await db
    .update(broadcasts)
    .set({ state: 'done', finishedAt: sql`now()`, updatedAt: sql`now()` })
    .where(and(eq(broadcasts.id, broadcastId), inArray(broadcasts.state, ['sending'])));
  return 'finished';
}
