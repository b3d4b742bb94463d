import type { Queue } from 'bullmq';
import type { AcceptInbound, AcceptResult, InboundMessage } from '../channels/types.ts';
import type { AnnounceConversations } from '../conversations/announce-conversations.ts';
import { accountKey, type AccountIds, findChannelAccountId } from '../conversations/channel-accounts.ts';
import { type InboundToRecord, type RecordResult, recordInbound, recordInboundBatch } from '../conversations/record-inbound.ts';
import type { Database } from '../db/connect.ts';
import { UnavailableError } from '../errors.ts';
import { batchWhileBusy } from '../lib/batch-while-busy.ts';
import type { Logger } from '../observability/logger.ts';
import { type Metrics, observeGroupCommit } from '../observability/metrics.ts';
import { enqueueTurns, type TurnJobData } from '../queue/conversation-queue.ts';

export interface IntakeDeps {
  db: Database;
  queue: Queue<TurnJobData>;
  accountIds: AccountIds;
  logger: Logger;
  metrics: Metrics;
  /** The console is told of each new customer message (after its commit). */
  announce: AnnounceConversations;
  coalesceWindowMs: number;
  /**
   * Optional: takes a message that is a staff member's, not a customer's (an agent answering from
   * WeCom), before it is stored as a customer message; undefined = a customer's.
   */
  staffReplies?(message: InboundMessage): Promise<AcceptResult | undefined>;
}

export interface Intake {
  accept: AcceptInbound;
  /** Resolves once the queueing started by callbacks already acknowledged has finished (for shutdown). */
  settle(): Promise<void>;
}

/**
 * The channels' one way in. A callback is acknowledged as soon as its message is committed to the
 * database — that commit is the durable enqueue. Queueing the job in Redis follows in the
 * background: a failure there loses nothing (the recovery sweep queues any pending message that
 * has no job), so the platform does not wait for it. Retries are recognised by the database's
 * unique index, in the same statement that stores. Under load, callbacks share statements and
 * queue round trips; each is still acknowledged only once its own message is committed.
 */
export function createIntake(deps: IntakeDeps): Intake {
  const record = batchWhileBusy(
    async (batch: InboundToRecord[]) => {
      const results = await recordIsolatingFailures(deps.db, batch);
      // The console is told once per group commit, not once per message: one read of the
      // conversations' state for the whole batch rather than a statement per callback.
      deps.announce(
        results.flatMap((r) => (r instanceof Error || r.duplicate ? [] : [r.conversationId])),
        'message',
      );
      return results;
    },
    observeGroupCommit(deps.metrics, 'inbound_messages'),
  );
  const enqueue = batchWhileBusy(
    async (turns: TurnJobData[]) => {
      await enqueueTurns(deps.queue, turns, deps.coalesceWindowMs);
      return turns.map(() => undefined);
    },
    observeGroupCommit(deps.metrics, 'turn_jobs'),
  );
  const inBackground = new Set<Promise<void>>();

  async function queue(message: InboundMessage, recorded: RecordResult): Promise<void> {
    // A retry of a message still pending is queued again too: the first attempt may have committed
    // and then died (process killed, connection cut) before queueing. The job id derives from the
    // message id, so a message that has its job is not queued twice; without this the message
    // waited for the recovery sweep (30 s and more).
    if ((!recorded.duplicate || recorded.stillPending) && message.content.type !== 'event') {
      const { conversationId, messageId, storedAt } = recorded;
      await enqueue({ conversationId, messageId, messageStoredAt: storedAt }).catch((err) =>
        deps.logger.warn({ err, conversationId, messageId }, 'stored but could not queue; the recovery sweep will queue it'),
      );
    }
  }

  /** An account added in the console while this process runs has its row before its channel takes it. */
  async function accountIdOf(message: InboundMessage): Promise<number | undefined> {
    const key = accountKey(message.channel, message.accountName);
    const known = deps.accountIds.get(key);
    if (known !== undefined) return known;
    const found = await findChannelAccountId(deps.db, message.channel, message.accountName);
    if (found !== undefined) deps.accountIds.set(key, found);
    return found;
  }

  async function accept(message: InboundMessage): Promise<AcceptResult> {
    const accountId = await accountIdOf(message);
    if (accountId === undefined) throw new Error(`account ${message.channel}/${message.accountName} is not registered`);
    const byStaff = await deps.staffReplies?.(message);
    if (byStaff) return byStaff;
    const recorded = await record({ channelAccountId: accountId, message });
    if (recorded instanceof Error) {
      deps.logger.error({ err: recorded, channel: message.channel, dedupeKey: message.dedupeKey }, 'could not store inbound message');
      throw new UnavailableError('the message could not be stored; the platform will retry', { cause: recorded });
    }
    const background = queue(message, recorded);
    inBackground.add(background);
    void background.finally(() => inBackground.delete(background));
    return recorded.duplicate
      ? { outcome: 'duplicate', messageId: recorded.messageId }
      : { outcome: 'accepted', messageId: recorded.messageId, conversationId: recorded.conversationId };
  }

  return {
    accept,
    settle: async () => {
      await Promise.all(inBackground);
    },
  };
}

/**
 * One bad row (a value PostgreSQL refuses) fails the whole statement: then each message is stored
 * alone, so the others of its batch are still kept and only the bad one is refused.
 */
async function recordIsolatingFailures(db: Database, batch: InboundToRecord[]): Promise<Array<RecordResult | Error>> {
  try {
    return await recordInboundBatch(db, batch);
  } catch (err) {
    if (batch.length === 1) return [asError(err)];
    return Promise.all(batch.map((item) => recordInbound(db, item.channelAccountId, item.message).catch(asError)));
  }
}

const asError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)));
