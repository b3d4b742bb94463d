import type { Worker } from 'bullmq';
import type { BuiltChannel } from '../channels/channel-builder.ts';
import type { LoadedKnowledge } from '../brain/load-brain.ts';
import type { Brain } from '../brain/types.ts';
import { queueWaitingNotice } from '../queue/staff-notice-queue.ts';
import { createTurnProcessor } from '../workers/conversation-turn-processor.ts';
import { startConversationWorker } from '../workers/conversation-worker.ts';
import { startRecoverySweep } from '../workers/recovery-sweep.ts';
import { startRoundRobinSweep } from '../workers/round-robin-sweep.ts';
import type { AnnounceConversations } from '../conversations/announce-conversations.ts';
import type { Infrastructure } from './connect-infrastructure.ts';
import { startBrain } from './start-brain.ts';
import type { StartContext } from './start-context.ts';
import type { Assignment } from './start-round-robin.ts';
import { type StaffNotices, startStaffNoticeSender } from './start-staff-notices.ts';

/** How often the worker looks for waiting conversations round-robin could assign but did not. */
const ROUND_ROBIN_SWEEP_MS = 30_000;

/**
 * What the worker roles run: the brain, the conversation worker that answers turns, the recovery
 * sweep that queues stored messages again, the staff notices (when on), and each channel's background
 * work. The knowledge the brain loaded is handed back for the console search of the same process.
 */
export async function startWorkers(
  context: StartContext,
  infra: Infrastructure,
  built: BuiltChannel[],
  notices: StaffNotices | undefined,
  { roundRobin }: Assignment,
  brainOverride?: Brain,
): Promise<{ worker: Worker; knowledge?: LoadedKnowledge }> {
  const { config, logger, stops } = context;
  const { env } = config;
  const { db, redis, queue, metrics, redisPrefix } = infra;
  const { brain, knowledgeOnlyBrain, knowledge } = brainOverride
    ? { brain: brainOverride, knowledgeOnlyBrain: undefined, knowledge: undefined }
    : // The brain's kb-change subscriber: a connection of its own (a subscribed connection runs nothing else).
      await startBrain(
        config,
        db,
        { subscriber: infra.connectRedis('kb changes', { maxRetriesPerRequest: null }), prefix: redisPrefix },
        metrics,
        logger,
      );
  // A conversation the worker handed over (the bot, a failed delivery or job) is assigned once that commit is told.
  const announce: AnnounceConversations = (conversationIds, change) => {
    infra.announce(conversationIds, change);
    if (change === 'waiting') void roundRobin.waiting(conversationIds);
  };
  const onWaiting = notices && ((conversationId: number, handoff: string) => queueWaitingNotice(notices.queue, conversationId, handoff));
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
    ...(onWaiting && { onWaiting }),
    announce,
  });
  if (notices) await startStaffNoticeSender(context, infra, notices);
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
    ...(onWaiting && { onWaiting }),
    onError: (err) => infra.redisErrors.report('worker', err),
    announce,
  });
  // Connected before the process says it started: a stop during BullMQ's own connection setup
  // (a quick test, a crash-looping deploy) rejected inside BullMQ with nobody to hear it.
  await worker.waitUntilReady();
  stops.add(startRoundRobinSweep(roundRobin, ROUND_ROBIN_SWEEP_MS));
  stops.add(startRecoverySweep(db, queue, logger, 15_000, env.COALESCE_WINDOW_MS + 30_000));
  for (const { startBackgroundWork } of built) if (startBackgroundWork) stops.add(startBackgroundWork());
  return { worker, ...(knowledge && { knowledge }) };
}
