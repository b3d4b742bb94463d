import { Queue, type ConnectionOptions } from 'bullmq';

/**
 * The queue of conversation turns. One job per inbound message; the worker that runs it answers
 * every pending message of that conversation at once (so a burst gets one reply), under a
 * per-conversation lock (so one conversation is never processed concurrently, and in order).
 */
export const CONVERSATION_QUEUE = 'conversation-turns';

export interface TurnJobData {
  conversationId: number;
  messageId: number;
  /** When the message was stored (epoch ms): with the id, it names the message across databases. */
  messageStoredAt: number;
}

/**
 * Job ids are derived from the message, so enqueueing the same message twice adds one job. The
 * storage time is part of the id because ids alone repeat when a database is recreated (a fresh
 * PGlite directory, a restore) while Redis still remembers jobs of the old one.
 */
export const turnJobId = (data: TurnJobData) => `turn-${data.messageId}-${data.messageStoredAt}`;

export function createConversationQueue(connection: ConnectionOptions, prefix: string, attempts: number): Queue<TurnJobData> {
  return new Queue<TurnJobData>(CONVERSATION_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts,
      backoff: { type: 'jittered' },
      removeOnComplete: { count: 1000 },
      // Failed jobs stay for a week: visible, and retryable by an operator (npm run queue -- retry-failed).
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
}

/** Queues the turns of these messages in one Redis round trip (BullMQ `addBulk`); a message that has its job keeps it. */
export async function enqueueTurns(queue: Queue<TurnJobData>, turns: TurnJobData[], delayMs: number): Promise<void> {
  await queue.addBulk(turns.map((data) => ({ name: 'turn', data, opts: { jobId: turnJobId(data), delay: delayMs } })));
}
