import type { Worker } from 'bullmq';
import type { BuiltChannel } from '../channels/channel-builder.ts';
import type { Brain } from '../brain/types.ts';
import { createTurnProcessor } from '../workers/conversation-turn-processor.ts';
import { startConversationWorker } from '../workers/conversation-worker.ts';
import { startRecoverySweep } from '../workers/recovery-sweep.ts';
import type { Infrastructure } from './connect-infrastructure.ts';
import { startBrain } from './start-brain.ts';
import type { StartContext } from './start-context.ts';

/**
 * What the worker roles run: the brain, the conversation worker that answers turns, the recovery
 * sweep that queues stored messages again, and each channel's background work.
 */
export async function startWorkers(
  context: StartContext,
  infra: Infrastructure,
  built: BuiltChannel[],
  brainOverride?: Brain,
): Promise<Worker> {
  const { config, logger, stops } = context;
  const { env } = config;
  const { db, redis, queue, metrics, redisPrefix } = infra;
  const { brain, knowledgeOnlyBrain } = brainOverride
    ? { brain: brainOverride, knowledgeOnlyBrain: undefined }
    : // The brain's kb-change subscriber: a connection of its own (a subscribed connection runs nothing else).
      await startBrain(
        config,
        db,
        { subscriber: infra.connectRedis('kb changes', { maxRetriesPerRequest: null }), prefix: redisPrefix },
        metrics,
        logger,
      );
  const processTurn = createTurnProcessor({
    db,
    redis,
    brain,
    knowledgeOnlyBrain,
    channels: new Map(built.map(({ channel }) => [channel.kind, channel])),
    metrics,
    logger,
    coalesceWindowMs: env.COALESCE_WINDOW_MS,
    lockMs: Math.ceil(env.JOB_LOCK_MS / 2),
    holdNotice: { text: env.HOLD_NOTICE_TEXT, intervalMs: env.HOLD_NOTICE_INTERVAL_MS },
    announce: infra.announce,
  });
  const worker = startConversationWorker({
    connection: infra.connectRedis('worker', { maxRetriesPerRequest: null }),
    prefix: redisPrefix,
    processTurn,
    db,
    metrics,
    logger,
    concurrency: env.WORKER_CONCURRENCY,
    backoffBaseMs: env.JOB_BACKOFF_MS,
    lockMs: env.JOB_LOCK_MS,
    onError: (err) => infra.redisErrors.report('worker', err),
    announce: infra.announce,
  });
  // Connected before the process says it started: a stop during BullMQ's own connection setup
  // (a quick test, a crash-looping deploy) rejected inside BullMQ with nobody to hear it.
  await worker.waitUntilReady();
  stops.add(startRecoverySweep(db, queue, logger, 15_000, env.COALESCE_WINDOW_MS + 30_000));
  for (const { startBackgroundWork } of built) if (startBackgroundWork) stops.add(startBackgroundWork());
  return worker;
}
