import type { Channel, ChannelSender } from '../channels/types.ts';
import type { AnnounceConversations } from '../conversations/announce-conversations.ts';
import { type DeliveryMarks, markFailed, markRetry, type UnfinishedDelivery } from '../conversations/deliveries.ts';
import { type SendFence, SendFenceLostError } from '../conversations/send-fence.ts';
import type { ConversationHeader } from '../conversations/load-turn.ts';
import type { Database } from '../db/connect.ts';
import { DeliveryError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';

export interface DeliverDeps {
  db: Database;
  marks: DeliveryMarks;
  metrics: Metrics;
  logger: Logger;
  announce: AnnounceConversations;
}

/**
 * Sends the parts of this conversation not yet confirmed sent (`unfinished`, oldest first). The caller holds the
 * conversation lock, so parts leave in order and never twice at once; its `fence` proves it still
 * does when each part is marked (a turn whose lock expired and passed on stops with
 * SendFenceLostError, src/conversations/send-fence.ts). Each part is marked
 * `sending` before its request (a reply's first part by the statement that saved it: `claimed`)
 * and `sent` after; a crash between the two resends it, which the
 * channel makes harmless where its platform has a duplicate check (docs/delivery-guarantees.md).
 *
 * A retryable failure is recorded and rethrown: the job retries later with backoff. A permanent
 * one is recorded with the platform code and the conversation goes to a human ('handed_over').
 */
export async function deliverUnfinished(
  deps: DeliverDeps,
  conversation: ConversationHeader,
  fence: SendFence,
  sender: ChannelSender,
  unfinished: UnfinishedDelivery[],
  onHandoff?: Channel['onHandoff'],
): Promise<'delivered' | 'handed_over'> {
  const { db, metrics } = deps;
  const channel = conversation.channel;
  for (const delivery of unfinished) {
    if (!delivery.claimed && !(await deps.marks.sending(delivery.id, fence))) throw new SendFenceLostError(conversation.id);
    try {
      const receipt = await sender.sendText(
        { accountName: conversation.accountName, customerExternalId: conversation.customerExternalId },
        delivery.body,
        delivery.id,
      );
      await deps.marks.sent({ delivery, platformMessageId: receipt.platformMessageId });
      metrics.sends.inc({ channel, result: 'sent', code: '0' });
      if (delivery.askedAt) metrics.replyLatency.observe({ channel }, (Date.now() - delivery.askedAt.getTime()) / 1000);
    } catch (err) {
      if (!(err instanceof DeliveryError)) throw err;
      const log = deps.logger.child({ conversationId: conversation.id, deliveryId: delivery.id, code: err.platformCode });
      if (err.retryable) {
        await markRetry(db, delivery.id, err.platformCode, err.message);
        metrics.sends.inc({ channel, result: 'retry', code: err.platformCode });
        log.warn({ err }, 'send failed, will retry');
        throw err;
      }
      await markFailed(db, conversation.id, delivery.id, err.platformCode, err.message);
      deps.announce([conversation.id], 'waiting');
      metrics.sends.inc({ channel, result: 'failed', code: err.platformCode });
      metrics.handoffs.inc({ reason: 'delivery_failed' });
      log.error({ err }, 'send failed permanently; conversation flagged for a human');
      await onHandoff?.(
        { accountName: conversation.accountName, customerExternalId: conversation.customerExternalId },
        `delivery_failed:${err.platformCode}`,
      ).catch((e) => log.warn({ err: e }, 'handoff hook failed'));
      return 'handed_over';
    }
  }
  return 'delivered';
}
