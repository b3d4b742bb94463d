import { sql } from 'drizzle-orm';
import type { Queue } from 'bullmq';
import type { Database } from '../db/connect.ts';
import { queryRows, storedAtMs } from '../db/rows.ts';
import type { Logger } from '../observability/logger.ts';
import { enqueueTurns, type TurnJobData } from '../queue/conversation-queue.ts';

/**
 * The database is the record; the queue only schedules. This sweep finds work the queue lost —
 * a message stored while Redis was down, jobs gone with a Redis restart without persistence,
 * deliveries left unsent — and queues it again. Job ids derive from message ids, so work that
 * still has a job is not queued twice.
 */
export async function sweepLostWork(db: Database, queue: Queue<TurnJobData>, olderThanMs: number, logger: Logger): Promise<number> {
  const cutoff = new Date(Date.now() - olderThanMs).toISOString();
  // Pending customer messages, and the turns whose reply still has parts to send.
  const found = await queryRows<{ messageId: number; conversationId: number; storedAt: number }>(
    db,
    sql`
    (select id::int as "messageId", conversation_id::int as "conversationId", ${storedAtMs('created_at')}
       from messages where direction = 'in' and status = 'pending' and created_at < ${cutoff}::timestamptz limit 1000)
    union
    (select asked.id::int, asked.conversation_id::int, ${storedAtMs('asked.created_at')}
       from deliveries d join messages reply on reply.id = d.message_id join messages asked on asked.id = reply.reply_to_id
      where d.status in ('pending', 'sending') and d.updated_at < ${cutoff}::timestamptz limit 1000)`,
  );
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
