import type { Queue } from 'bullmq';
import { findUnfinishedTurns } from '../conversations/find-unfinished-turns.ts';
import type { Database } from '../db/connect.ts';
import type { Logger } from '../observability/logger.ts';
import { enqueueTurns, type TurnJobData } from '../queue/conversation-queue.ts';

/**
 * The database is the record; the queue only schedules. This sweep finds work the queue lost —
 * a message stored while Redis was down, jobs gone with a Redis restart without persistence,
 * deliveries left unsent — and queues it again. Job ids derive from message ids, so work that
 * still has a job is not queued twice.
 */
export async function sweepLostWork(db: Database, queue: Queue<TurnJobData>, olderThanMs: number, logger: Logger): Promise<number> {
  const found = await findUnfinishedTurns(db, new Date(Date.now() - olderThanMs));
  // The same job ids the intake gives (message id + storage time): work that has its job is not queued twice.
  const work = found.map(({ storedAt, ...ids }): TurnJobData => ({ ...ids, messageStoredAt: storedAt }));
  if (work.length > 0) await enqueueTurns(queue, work, 0);
  if (work.length > 0) logger.info({ count: work.length }, 'recovery sweep queued lost work');
  return work.length;
}

export function startRecoverySweep(
  db: Database,
  queue: Queue<TurnJobData>,
  logger: Logger,
  intervalMs: number,
  olderThanMs: number,
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweepLostWork(db, queue, olderThanMs, logger)
      .catch((err) => logger.warn({ err }, 'recovery sweep failed; will try again'))
      .finally(() => (running = false));
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
