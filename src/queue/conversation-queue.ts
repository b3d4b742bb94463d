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
}

/** Job ids are derived from the message, so enqueueing the same message twice adds one job. */
export const turnJobId = (messageId: number) => `turn-${messageId}`;

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

export function enqueueTurn(queue: Queue<TurnJobData>, data: TurnJobData, delayMs: number) {
  return queue.add('turn', data, { jobId: turnJobId(data.messageId), delay: delayMs });
}
