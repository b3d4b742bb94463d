import type { Queue, Worker } from 'bullmq';
import type { BuiltChannel } from '../channels/channel-builder.ts';
import type { LoadedKnowledge } from '../brain/load-brain.ts';
import type { Brain } from '../brain/types.ts';
import { type AudienceJob, queueRuleMessages } from '../queue/audience-queue.ts';
import { queueWaitingNotice } from '../queue/staff-notice-queue.ts';
import { createTurnProcessor } from '../workers/conversation-turn-processor.ts';
import { startConversationWorker } from '../workers/conversation-worker.ts';
import { startRecoverySweep } from '../workers/recovery-sweep.ts';
import { startRoundRobinSweep } from '../workers/round-robin-sweep.ts';
import type { AnnounceConversations } from '../conversations/announce-conversations.ts';
import type { Infrastructure } from './connect-infrastructure.ts';
import { handoverFromSettings } from './handover-from-settings.ts';
import { startBrain } from './start-brain.ts';
import type { StartContext } from './start-context.ts';
import type { LiveSettings } from './start-settings.ts';
import type { Assignment } from './start-round-robin.ts';
import { routeThenAssign, startAudienceWorkers } from './start-audience.ts';
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
  assignment: Assignment,
  audience: Queue<AudienceJob>,
  settings: LiveSettings,
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
        settings,
      );
  // A conversation the worker handed over (the bot, a failed delivery or job) is routed and assigned once that commit is told.
  const routeAndAssign = routeThenAssign(infra, assignment, logger);
  const announce: AnnounceConversations = (conversationIds, change) => {
    infra.announce(conversationIds, change);
    if (change === 'waiting') void routeAndAssign(conversationIds);
  };
  const onWaiting = notices && ((conversationId: number, handoff: string) => queueWaitingNotice(notices.queue, conversationId, handoff));
  const channels = new Map(built.map(({ channel }) => [channel.kind, channel]));
  const processTurn = createTurnProcessor({
    db,
    redis,
    brain,
    knowledgeOnlyBrain,
    channels,
    metrics,
    logger,
    coalesceWindowMs: env.COALESCE_WINDOW_MS,
    lockMs: Math.ceil(env.JOB_LOCK_MS / 2),
    ...handoverFromSettings(db, settings),
    ...(onWaiting && { onWaiting }),
    announce,
    onTurnMessages: (conversationId, messages, tagRulesEnabled) => queueRuleMessages(audience, conversationId, messages, tagRulesEnabled),
  });
  await startAudienceWorkers(context, infra, audience, routeAndAssign, channels);
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
  stops.add(startRoundRobinSweep(assignment.roundRobin, ROUND_ROBIN_SWEEP_MS));
  stops.add(startRecoverySweep(db, queue, logger, 15_000, env.COALESCE_WINDOW_MS + 30_000));
  for (const { startBackgroundWork } of built) if (startBackgroundWork) stops.add(await startBackgroundWork());
  return { worker, ...(knowledge && { knowledge }) };
}
