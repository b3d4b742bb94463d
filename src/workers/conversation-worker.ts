import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { AnnounceConversations } from '../conversations/announce-conversations.ts';
import { flagForHuman } from '../conversations/flag-for-human.ts';
import type { Database } from '../db/connect.ts';
import { DeliveryError } from '../errors.ts';
import { backoffDelay } from '../lib/backoff.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { CONVERSATION_QUEUE, type TurnJobData } from '../queue/conversation-queue.ts';
import { withScrubbedErrors } from '../queue/dead-letters.ts';
import type { createTurnProcessor } from './conversation-turn-processor.ts';

export interface ConversationWorkerOptions {
  connection: ConnectionOptions;
  /** Redis key prefix of the queue (REDIS_PREFIX). */
  prefix: string;
  processTurn: ReturnType<typeof createTurnProcessor>;
  db: Database;
  metrics: Metrics;
  logger: Logger;
  concurrency: number;
  backoffBaseMs: number;
  lockMs: number;
  /** The worker's own errors (its Redis connections): the process's Redis error log, rate-limited. */
  onError: (err: Error) => void;
  announce: AnnounceConversations;
}

/**
 * Runs conversation turns. Different conversations run in parallel up to `concurrency`; one
 * conversation's turns are serialized by the processor's lock. A job that keeps failing ends
 * failed — kept, visible, retryable by an operator — and its conversation goes to a human.
 */
export function startConversationWorker(options: ConversationWorkerOptions): Worker<TurnJobData> {
  const { logger } = options;
  const worker = new Worker<TurnJobData>(CONVERSATION_QUEUE, withScrubbedErrors(options.processTurn), {
    connection: options.connection,
    prefix: options.prefix,
    concurrency: options.concurrency,
    // A job whose worker died (kill -9) is taken back once its lock expires and run again; the
    // processor's records make the rerun resume, not repeat.
    lockDuration: options.lockMs,
    stalledInterval: Math.ceil(options.lockMs / 2),
    maxStalledCount: 5,
    settings: {
      backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) => {
        const hinted = err instanceof DeliveryError && err.retryAfterMs ? err.retryAfterMs : 0;
        return Math.max(hinted, backoffDelay(attemptsMade, options.backoffBaseMs, 5 * 60_000));
      },
    },
  });
  worker.on('failed', (job: Job<TurnJobData> | undefined, err: Error) => {
    if (!job) return;
    const exhausted = job.attemptsMade >= (job.opts.attempts ?? 1);
    const log = logger.child({ jobId: job.id, conversationId: job.data.conversationId, attempt: job.attemptsMade });
    if (!exhausted) {
      log.warn({ err }, 'turn failed; will retry');
      return;
    }
    log.error({ err }, 'turn failed for good; conversation flagged for a human');
    options.metrics.handoffs.inc({ reason: 'job_failed' });
    flagForHuman(options.db, job.data.conversationId, 'job_failed').then(
      () => options.announce([job.data.conversationId], 'waiting'),
      (e) => log.error({ err: e }, 'could not flag conversation'),
    );
  });
  worker.on('error', options.onError);
  return worker;
}
