import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Queue } from 'bullmq';
import type { Database } from '../db/connect.ts';
import { deliveries, messages } from '../db/schema.ts';
import type { Logger } from '../observability/logger.ts';
import { enqueueTurn, type TurnJobData } from '../queue/conversation-queue.ts';

/**
 * The database is the record; the queue only schedules. This sweep finds work the queue lost —
 * a message stored while Redis was down, jobs gone with a Redis restart without persistence,
 * deliveries left unsent — and queues it again. Job ids derive from message ids, so work that
 * still has a job is not queued twice.
 */
export async function sweepLostWork(db: Database, queue: Queue<TurnJobData>, olderThanMs: number, logger: Logger): Promise<number> {
  const cutoff = new Date(Date.now() - olderThanMs);
  const pending = await db
    .select({ id: messages.id, conversationId: messages.conversationId })
    .from(messages)
    .where(and(eq(messages.direction, 'in'), eq(messages.status, 'pending'), lt(messages.createdAt, cutoff)))
    .limit(1000);
  const unsent = await db
    .selectDistinct({ id: messages.replyToId, conversationId: deliveries.conversationId })
    .from(deliveries)
    .innerJoin(messages, eq(messages.id, deliveries.messageId))
    .where(and(inArray(deliveries.status, ['pending', 'sending']), lt(deliveries.updatedAt, cutoff), sql`${messages.replyToId} is not null`))
    .limit(1000);
  const work = [...pending, ...unsent.map((u) => ({ id: u.id!, conversationId: u.conversationId }))];
  for (const w of work) await enqueueTurn(queue, { conversationId: w.conversationId, messageId: w.id }, 0);
  if (work.length > 0) logger.info({ count: work.length }, 'recovery sweep queued lost work');
  return work.length;
}

export function startRecoverySweep(db: Database, queue: Queue<TurnJobData>, logger: Logger, intervalMs: number, olderThanMs: number): () => void {
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
