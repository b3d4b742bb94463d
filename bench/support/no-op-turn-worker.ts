/**
 * A conversation worker with the production settings (startConversationWorker) whose turns do
 * nothing: what BullMQ alone costs a worker per job. Run by bench/queue-floor.bench.ts as its own
 * process, so its CPU is counted apart from the producer's. Environment: REDIS_URL, REDIS_PREFIX,
 * WORKER_CONCURRENCY, JOB_LOCK_MS.
 */
import { Redis } from 'ioredis';
import type { Database } from '../../src/db/connect.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createMetrics } from '../../src/observability/metrics.ts';
import { startConversationWorker } from '../../src/workers/conversation-worker.ts';

const env = process.env;
const worker = startConversationWorker({
  connection: new Redis(env.REDIS_URL ?? 'redis://127.0.0.1:6379', { maxRetriesPerRequest: null }),
  prefix: env.REDIS_PREFIX ?? 'queue-floor',
  processTurn: async () => 'nothing_pending',
  // Read only when a job fails for good, which a turn that does nothing never does.
  db: undefined as unknown as Database,
  metrics: createMetrics(),
  logger: createLogger('warn'),
  concurrency: Number(env.WORKER_CONCURRENCY ?? 100),
  backoffBaseMs: 1000,
  lockMs: Number(env.JOB_LOCK_MS ?? 30_000),
  onError: (err) => console.error(err),
  announce: () => {},
});
await worker.waitUntilReady();
process.send?.('ready');
