import type { Job, Queue } from 'bullmq';
import { scrubErrorInPlace, withoutQueryParams } from '../observability/log-safe-error.ts';

/**
 * The dead-letter view of every queue: jobs that used up their attempts stay in BullMQ's failed set
 * (each queue keeps them a week, removeOnFail), where the queue no longer waits on them. Listed
 * with what failed and why, never with customer text: job data holds ids only, and the reason is
 * cut to its first line without query values.
 */
export interface DeadLetterQueue {
  queue: Queue;
  /** What the job was about, by ids (a conversation, a kf account), for the operator. */
  subject(data: unknown): string;
}

export interface DeadLetter {
  queue: string;
  id: string;
  subject: string;
  attempts: number;
  failedAt: string;
  reason: string;
}

const MAX_REASON_CHARS = 200;

export function safeFailureReason(reason: string | undefined): string {
  const firstLine = withoutQueryParams(reason ?? '').split('\n')[0] ?? '';
  return firstLine.length > MAX_REASON_CHARS ? `${firstLine.slice(0, MAX_REASON_CHARS)}…` : firstLine;
}

/** The `limit` most recent failed jobs of each queue. */
export async function listDeadLetters(queues: DeadLetterQueue[], limit: number): Promise<DeadLetter[]> {
  const lists = await Promise.all(
    queues.map(async ({ queue, subject }) =>
      (await queue.getFailed(0, limit - 1)).map((job: Job) => ({
        queue: queue.name,
        id: String(job.id),
        subject: subject(job.data),
        attempts: job.attemptsMade,
        failedAt: new Date(job.finishedOn ?? 0).toISOString(),
        reason: safeFailureReason(job.failedReason),
      })),
    ),
  );
  return lists.flat();
}

/** Moves every failed job of every queue back to waiting; returns how many. */
export async function retryDeadLetters(queues: DeadLetterQueue[]): Promise<number> {
  let moved = 0;
  for (const { queue } of queues) {
    const jobs = await queue.getFailed(0, -1);
    for (const job of jobs) await job.retry('failed');
    moved += jobs.length;
  }
  return moved;
}

/**
 * A processor whose errors are scrubbed before BullMQ keeps them (failedReason, stacktrace): a
 * database error's message would otherwise carry the customer text of its query into Redis.
 */
export function withScrubbedErrors<A extends unknown[], R>(processor: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return async (...args) => {
    try {
      return await processor(...args);
    } catch (err) {
      scrubErrorInPlace(err);
      throw err;
    }
  };
}
