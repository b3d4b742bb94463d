import type { Worker } from 'bullmq';
import type { LoadedKnowledge } from './brain/load-brain.ts';
import type { Brain } from './brain/types.ts';
import type { Role } from './channels/channel-builder.ts';
import type { AcceptInbound } from './channels/types.ts';
import { addStoredAccounts } from './composition/add-stored-accounts.ts';
import { buildChannels } from './composition/build-channels.ts';
import { followChannelAccountChanges } from './composition/follow-channel-account-changes.ts';
import { checkBeforeStart } from './composition/check-before-start.ts';
import { connectInfrastructure } from './composition/connect-infrastructure.ts';
import { knowledgeForApi } from './composition/knowledge-for-api.ts';
import { createStopList, type StartContext } from './composition/start-context.ts';
import {
  recordWhenMassSendsFinish,
  refreshWhenContactsChange,
  startAudienceQueue,
  syncWhenPlatformTagsChange,
} from './composition/start-audience.ts';
import { startHttp } from './composition/start-http.ts';
import { startIntake } from './composition/start-intake.ts';
import { startStaffNotices } from './composition/start-staff-notices.ts';
import { startSettings } from './composition/start-settings.ts';
import { startWorkers } from './composition/start-workers.ts';
import { startAssignment } from './composition/start-round-robin.ts';
import type { Config } from './config/env.ts';
import type { ConversationEvents } from './conversations/conversation-events.ts';
import type { DatabaseHandle } from './db/connect.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { type StopResult, stopWithin } from './shutdown.ts';

export type { Role };

export interface Service {
  /** The HTTP port actually bound (PORT=0 picks a free one). */
  port: number;
  /** The port of the /metrics listener, when METRICS_PORT is set. */
  metricsPort?: number;
  logger: Logger;
  /** The service's database (PGlite lives inside this process: this is the way in). */
  db: DatabaseHandle['db'];
  /** Prefix of this service's Redis keys and queues: REDIS_PREFIX and the database's id. */
  redisPrefix: string;
  /** Stops accepting, drains in-flight jobs, closes connections: all within SHUTDOWN_TIMEOUT_MS. */
  stop(): Promise<StopResult>;
}

export interface ServiceOverrides {
  brain?: Brain;
  logger?: Logger;
  /** Console events go here instead of Redis pub/sub (tests record them). */
  events?: ConversationEvents;
}

/**
 * The composition root: builds every dependency from config, hands them down, starts what the role
 * runs. Nothing else in the code base creates connections or reads the environment. Each step is a
 * file of src/composition/.
 */
export async function startService(config: Config, role: Role, overrides: ServiceOverrides = {}): Promise<Service> {
  const logger = overrides.logger ?? createLogger(config.env.LOG_LEVEL, { role });
  checkBeforeStart(config, role);
  const context: StartContext = { config, role, logger, stops: createStopList(logger) };
  try {
    const infra = await connectInfrastructure(context, overrides.events);
    const settings = await startSettings(context, infra);
    // Channels are built before the intake (it needs their account ids), so they call it late-bound.
    let accept: AcceptInbound = async () => {
      throw new Error('intake is not ready');
    };
    const withStored = await addStoredAccounts(context, infra);
    const built = buildChannels(withStored, infra, settings, (m) => accept(m));
    const channels = built.map((b) => b.channel);
    await followChannelAccountChanges(context, infra, withStored.config.accounts, channels);
    const notices = await startStaffNotices(context, infra, channels);
    accept = (await startIntake(context, infra, channels, notices)).accept;
    const assignment = startAssignment(context, infra, channels);
    const audience = await startAudienceQueue(context, infra);
    syncWhenPlatformTagsChange(infra.db, audience, channels, logger);
    refreshWhenContactsChange(audience, channels);
    recordWhenMassSendsFinish(infra.db, channels, logger);
    let worker: Worker | undefined;
    let workerKnowledge: LoadedKnowledge | undefined;
    if (role !== 'api')
      ({ worker, knowledge: workerKnowledge } = await startWorkers(
        context,
        infra,
        built,
        notices,
        assignment,
        audience,
        settings,
        overrides.brain,
      ));
    let accepting = true;
    const knowledge = knowledgeForApi(context, infra, settings, workerKnowledge);
    const { server, port, metricsPort, endLiveConnections } = await startHttp(
      context,
      infra,
      { built, knowledge, assignment, audience, settings },
      () => accepting,
      notices ? [notices.queue, audience] : [audience],
    );
    logger.info({ port, database: infra.database.kind, channels: channels.map((c) => c.kind) }, 'kefu-hub started');
    return {
      port,
      ...(metricsPort !== undefined && { metricsPort }),
      logger,
      db: infra.db,
      redisPrefix: infra.redisPrefix,
      stop() {
        accepting = false;
        const closeConnections = () => context.stops.stopAll();
        return stopWithin(config.env.SHUTDOWN_TIMEOUT_MS, { server, channels, worker, closeConnections, endLiveConnections, logger });
      },
    };
  } catch (err) {
    await context.stops.stopAll();
    throw err;
  }
}
