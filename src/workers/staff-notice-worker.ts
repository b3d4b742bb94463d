import { Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { rememberNotified } from '../agent-notices/last-notified.ts';
import { waitingNoticeText } from '../agent-notices/waiting-notice-text.ts';
import type { Channel } from '../channels/types.ts';
import type { AgentNotifySettings } from '../config/agent-notify.ts';
import { readWaitingConversation } from '../conversations/waiting-conversation.ts';
import type { Database } from '../db/connect.ts';
import { DeliveryError } from '../errors.ts';
import { backoffDelay } from '../lib/backoff.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { STAFF_NOTICE_QUEUE, type StaffNoticeJob } from '../queue/staff-notice-queue.ts';
import { onDutyWecomStaff } from '../staff/wecom-duty.ts';

export interface StaffNoticeWorkerOptions {
  connection: ConnectionOptions;
  prefix: string;
  db: Database;
  /** Commands (keyPrefix applied): who was last told of what. */
  redis: Redis;
  /** The channel of the notifying app, which can reach its members. */
  channel: Channel & Required<Pick<Channel, 'notifyStaff'>>;
  settings: AgentNotifySettings;
  metrics: Metrics;
  logger: Logger;
  backoffBaseMs: number;
}

/** A number naming the job across its retries, for the platform's duplicate check. */
function noticeNumber(jobId: string | undefined): number {
  let n = 0;
  for (const c of jobId ?? '') n = (n * 31 + c.charCodeAt(0)) >>> 0;
  return n;
}

/**
 * Sends the staff notices: a waiting conversation to the on-duty agents (skipped when nobody is on
 * duty or someone already has it), an answer to a member who wrote. WeCom errors a retry can help
 * are retried with the project's backoff; permanent ones fail the job, kept for an operator.
 */
export function startStaffNoticeWorker(options: StaffNoticeWorkerOptions): Worker<StaffNoticeJob> {
  const { db, channel, settings, metrics, logger } = options;

  async function process(job: Job<StaffNoticeJob>): Promise<string> {
    const data = job.data;
    const noticeId = noticeNumber(job.id);
    if (data.kind === 'answer') {
      await channel.notifyStaff(settings.accountName, [data.memberId], data.text, noticeId);
      return 'sent';
    }
    const waiting = await readWaitingConversation(db, data.conversationId);
    if (!waiting) return 'not_waiting';
    const staff = await onDutyWecomStaff(db);
    if (staff.length === 0) return 'nobody_on_duty';
    await channel.notifyStaff(
      settings.accountName,
      staff.map((s) => s.wecomUserId),
      waitingNoticeText(waiting, settings),
      noticeId,
    );
    await rememberNotified(
      options.redis,
      staff.map((s) => s.userId),
      waiting.id,
    ).catch((err) => logger.warn({ err, conversationId: waiting.id }, 'who was told not remembered; a plain WeCom reply will not find it'));
    return 'sent';
  }

  const worker = new Worker<StaffNoticeJob>(
    STAFF_NOTICE_QUEUE,
    async (job) => {
      try {
        const result = await process(job);
        metrics.staffNotices.inc({ kind: job.data.kind, result });
        return result;
      } catch (err) {
        // A permanent refusal ends the job now instead of after every attempt.
        const permanent = err instanceof DeliveryError && !err.retryable;
        metrics.staffNotices.inc({ kind: job.data.kind, result: permanent ? 'failed' : 'retry' });
        if (permanent) await job.discard();
        throw err;
      }
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: 4,
      settings: {
        backoffStrategy: (attemptsMade: number, _type?: string, err?: Error) => {
          const hinted = err instanceof DeliveryError && err.retryAfterMs ? err.retryAfterMs : 0;
          return Math.max(hinted, backoffDelay(attemptsMade, options.backoffBaseMs, 5 * 60_000));
        },
      },
    },
  );
  worker.on('failed', (job, err) => {
    if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) logger.error({ err, jobId: job.id }, 'staff notice not sent');
  });
  return worker;
}
