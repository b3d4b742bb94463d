import { DelayedError, Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Database } from '../../db/connect.ts';
import { backoffDelay } from '../../lib/backoff.ts';
import { tryLock } from '../../lib/redis-lock.ts';
import type { Logger } from '../../observability/logger.ts';
import { withScrubbedErrors } from '../../queue/dead-letters.ts';
import { syncKfMessages, type SyncDeps } from './sync-messages.ts';
import { loadOverdueSyncs } from './sync-state.ts';

/**
 * The queue of kf syncs. A callback records the request in the database (the durable fact) and
 * adds a job; the job runs syncKfMessages under a per-(account, open_kfid) Redis lock, so pages
 * are read in order by one process at a time. Jobs lost with Redis are found again by the sweep,
 * which queues every sync announced but not done.
 */
export const KF_SYNC_QUEUE = 'wecom-kf-sync';

export interface KfSyncJob {
  accountName: string;
  openKfId: string;
  generation: number;
}

export function createKfSyncQueue(connection: ConnectionOptions, prefix: string): Queue<KfSyncJob> {
  return new Queue<KfSyncJob>(KF_SYNC_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: 10,
      backoff: { type: 'jittered' },
      removeOnComplete: { count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
}

/**
 * One job per announced generation, so new callbacks add work. `again` names a follow-up (sweep,
 * continuation) that must not be mistaken for the finished or failed job of the same generation.
 */
export function enqueueKfSync(queue: Queue<KfSyncJob>, job: KfSyncJob, again?: string) {
  return queue.add('sync', job, { jobId: `kfsync-${job.accountName}-${job.openKfId}-${job.generation}${again ? `-${again}` : ''}` });
}

export interface KfSyncWorkerDeps {
  connection: ConnectionOptions;
  prefix: string;
  queue: Queue<KfSyncJob>;
  redis: Redis;
  db: Database;
  logger: Logger;
  /** The worker's own errors (its Redis connections). */
  onError: (err: Error) => void;
  syncDepsFor: (accountName: string) => SyncDeps | undefined;
  sweepIntervalMs?: number;
}

export function startKfSyncWorker(deps: KfSyncWorkerDeps): () => Promise<void> {
  const { logger } = deps;
  const worker = new Worker<KfSyncJob>(
    KF_SYNC_QUEUE,
    withScrubbedErrors(async (job: Job<KfSyncJob>, token?: string) => {
      const syncDeps = deps.syncDepsFor(job.data.accountName);
      if (!syncDeps) throw new Error(`kf account ${job.data.accountName} is not configured in this process`);
      const lock = await tryLock(deps.redis, `wecom-kf:sync-lock:${job.data.accountName}:${job.data.openKfId}`, 30_000);
      if (!lock) {
        await job.moveToDelayed(Date.now() + 200 + Math.floor(Math.random() * 300), token);
        throw new DelayedError();
      }
      try {
        const result = await syncKfMessages(syncDeps, job.data.openKfId);
        if (!result.done) await enqueueKfSync(deps.queue, job.data, `more${Date.now()}`);
        return result;
      } finally {
        await lock.release();
      }
    }),
    {
      connection: deps.connection,
      prefix: deps.prefix,
      concurrency: 10,
      settings: { backoffStrategy: (attemptsMade: number) => backoffDelay(attemptsMade, 1000, 60_000) },
    },
  );
  worker.on('failed', (job, err) => logger.warn({ err, job: job?.data, attempt: job?.attemptsMade }, 'kf sync failed'));
  worker.on('error', deps.onError);

  let sweeping = false;
  const sweep = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    loadOverdueSyncs(deps.db, 15_000)
      .then((due) => Promise.all(due.map((d) => enqueueKfSync(deps.queue, d, `sweep${Math.floor(Date.now() / 60_000)}`))))
      .catch((err) => logger.warn({ err }, 'kf sync sweep failed; will try again'))
      .finally(() => (sweeping = false));
  }, deps.sweepIntervalMs ?? 10_000);
  sweep.unref();

  return async () => {
    clearInterval(sweep);
    await worker.close();
  };
}
