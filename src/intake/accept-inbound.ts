import type { Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import type { AcceptInbound } from '../channels/types.ts';
import { accountKey, type AccountIds } from '../conversations/channel-accounts.ts';
import { recordInbound } from '../conversations/record-inbound.ts';
import type { Database } from '../db/connect.ts';
import { UnavailableError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';
import { enqueueTurn, type TurnJobData } from '../queue/conversation-queue.ts';

export interface IntakeDeps {
  db: Database;
  redis: Redis;
  queue: Queue<TurnJobData>;
  accountIds: AccountIds;
  logger: Logger;
  coalesceWindowMs: number;
}

/** How long the Redis fast path remembers a seen callback; the platforms retry within ~15 s. */
const SEEN_TTL_SECONDS = 24 * 3600;

/**
 * The channels' one way in. A callback is acknowledged only after its message is committed to the
 * database; queueing comes after and may fail without loss (the recovery sweep re-queues any
 * pending message it finds). Retries are recognised first in Redis (fast path) and, whatever
 * Redis says, by the database's unique index.
 */
export function createAcceptInbound(deps: IntakeDeps): AcceptInbound {
  return async (message) => {
    const accountId = deps.accountIds.get(accountKey(message.channel, message.accountName));
    if (accountId === undefined) throw new Error(`account ${message.channel}/${message.accountName} is not registered`);
    const seenKey = `seen:${accountId}:${message.dedupeKey}`;
    const seen = await deps.redis.exists(seenKey).catch(() => 0);
    if (seen) return { outcome: 'duplicate' };

    let recorded: Awaited<ReturnType<typeof recordInbound>>;
    try {
      recorded = await recordInbound(deps.db, accountId, message);
    } catch (err) {
      deps.logger.error({ err, channel: message.channel, dedupeKey: message.dedupeKey }, 'could not store inbound message');
      throw new UnavailableError('the message could not be stored; the platform will retry', { cause: err });
    }
    const log = deps.logger.child({ conversationId: recorded.conversationId, messageId: recorded.messageId });
    // A retry of a message still pending is queued again too: the first attempt may have committed
    // and then died (process killed, connection cut) before queueing. The job id derives from the
    // message id, so a message that has its job is not queued twice; without this the message
    // waited for the recovery sweep (30 s and more).
    if ((!recorded.duplicate || recorded.stillPending) && message.content.type !== 'event') {
      try {
        await enqueueTurn(
          deps.queue,
          { conversationId: recorded.conversationId, messageId: recorded.messageId, messageStoredAt: recorded.storedAt },
          deps.coalesceWindowMs,
        );
      } catch (err) {
        // Stored, so not lost: the recovery sweep queues pending messages that have no job.
        log.warn({ err }, 'stored but could not queue; the recovery sweep will queue it');
      }
    }
    await deps.redis.set(seenKey, '1', 'EX', SEEN_TTL_SECONDS).catch((err) => log.warn({ err }, 'could not mark callback as seen'));
    log.debug({ duplicate: recorded.duplicate }, 'inbound message accepted');
    return recorded.duplicate
      ? { outcome: 'duplicate', messageId: recorded.messageId }
      : { outcome: 'accepted', messageId: recorded.messageId, conversationId: recorded.conversationId };
  };
}
