import type { Server } from 'node:http';
import type { Queue } from 'bullmq';
import { createEmbedder } from '../brain/embeddings/embedder.ts';
import { listenHttp } from '../http/listen-http.ts';
import type { KnowledgeLookup } from '../brain/knowledge/look-up-knowledge.ts';
import type { BuiltChannel } from '../channels/channel-builder.ts';
import { announceAccountsChanged } from '../channel-accounts/account-change-feed.ts';
import { consoleApi } from '../console/console-api.ts';
import type { AudienceJob } from '../queue/audience-queue.ts';
import { createConsoleEventHub } from '../console/live/console-event-hub.ts';
import { migrationsApplied } from '../db/migrate.ts';
import { createHttpApp, type HttpAppDeps } from '../http/app.ts';
import { registerConsoleAssetRoutes } from '../http/console-assets.ts';
import { serveMetricsApart } from '../http/metrics-route.ts';
import { QUEUE_BOARD_PATH, queueBoard } from '../http/queue-board.ts';
import type { Infrastructure } from './connect-infrastructure.ts';
import { announceKbChange } from './announce-kb-change.ts';
import { insightsForApi } from './insights-for-api.ts';
import { settingsPreviewForApi } from './settings-preview-for-api.ts';
import type { StartContext } from './start-context.ts';
import type { Assignment } from './start-round-robin.ts';
import type { LiveSettings } from './start-settings.ts';

export interface HttpListeners {
  server: Server;
  /** The port actually bound (PORT=0 picks a free one). */
  port: number;
  /** The /metrics listener's port, when METRICS_PORT is set. */
  metricsPort?: number;
  /** Ends the console's event streams (they never end by themselves): at shutdown, before the server closes. */
  endLiveConnections(): void;
}

/** Readiness: the database answers and is migrated, Redis answers. */
function readinessCheck({ database, redis }: Infrastructure) {
  return async () => {
    const checks = {
      database: await database.execute('select 1').then(
        () => true,
        () => false,
      ),
      migrations: await migrationsApplied(database).catch(() => false),
      redis: await redis.ping().then(
        (r) => r === 'PONG',
        () => false,
      ),
    };
    return { ready: Object.values(checks).every(Boolean), checks };
  };
}

/**
 * The HTTP app on PORT: the channels' routes, the console API and the console app (API roles), health, metrics unless they have a
 * listener of their own, and the queue board behind the admin login.
 */
export async function startHttp(
  { config, role, logger, stops }: StartContext,
  infra: Infrastructure,
  {
    built,
    knowledge,
    assignment,
    audience,
    settings,
  }: { built: BuiltChannel[]; knowledge: KnowledgeLookup; assignment: Assignment; audience: Queue<AudienceJob>; settings: LiveSettings },
  isAcceptingTraffic: () => boolean,
  /** Queues of the service's own besides the conversation queue (staff notices), for the queue board. */
  ownQueues: Queue[] = [],
): Promise<HttpListeners> {
  const { env } = config;
  const admin = env.ADMIN_USER && env.ADMIN_PASSWORD ? { user: env.ADMIN_USER, password: env.ADMIN_PASSWORD } : undefined;
  if (role !== 'worker') {
    if (admin) logger.info({ path: QUEUE_BOARD_PATH }, 'queue board on, behind the admin login');
    else logger.info('queue board off: set ADMIN_USER and ADMIN_PASSWORD to serve it at /admin/queues');
  }
  const queues = [infra.queue, ...ownQueues, ...built.flatMap((b) => b.queues ?? [])];
  const consoleStreams = new Set<() => void>();
  const registerRoutes: NonNullable<HttpAppDeps['registerRoutes']> = [];
  if (role !== 'worker') {
    const embedder = config.embeddings ? await createEmbedder(config.embeddings) : undefined;
    const announce = announceKbChange(infra, knowledge);
    // One subscriber per API process, whatever the number of open streams; pub/sub needs a connection of its own.
    const hub = createConsoleEventHub(infra.connectRedis('console-events', {}), infra.redisPrefix, logger);
    registerRoutes.push(
      consoleApi({
        db: infra.db,
        redis: infra.redis,
        env,
        conversations: {
          queue: infra.queue,
          logger,
          channels: built.map((b) => b.channel),
          events: infra.events,
          timings: assignment.timings,
          roundRobin: assignment.roundRobin,
        },
        knowledge,
        audience,
        knowledgeAdmin: {
          ...(embedder && { embedder }),
          announce,
          logger,
        },
        insights: insightsForApi(config, infra, announce),
        settings: { ...settings, preview: settingsPreviewForApi(config, infra, settings) },
        live: {
          hub,
          logger,
          heartbeatMs: env.CONSOLE_EVENTS_HEARTBEAT_MS,
          open: consoleStreams,
          presence: assignment.presence,
          roundRobin: assignment.roundRobin,
          defaultCap: env.AGENT_MAX_OPEN_CONVERSATIONS,
        },
        channels: {
          keyring: config.secretsKeyring,
          configured: config.accounts,
          publicUrl: env.CONSOLE_PUBLIC_URL,
          announceChange: () => announceAccountsChanged(infra.redis, infra.redisPrefix),
        },
      }),
      registerConsoleAssetRoutes,
    );
  }
  const app = createHttpApp({
    extraMiddleware: role !== 'worker' && admin ? await queueBoard(queues, admin) : [],
    logger,
    metrics: infra.metrics,
    ...(config.metrics.onMainPort && { metricsRoute: { token: config.metrics.token } }),
    // The worker role serves health and metrics only.
    channels: role === 'worker' ? [] : built.map((b) => b.channel),
    registerRoutes,
    isAcceptingTraffic,
    trustedProxyHops: env.TRUSTED_PROXY_HOPS,
    isReady: readinessCheck(infra),
  });
  const { port: metricsPort, close: closeMetrics } = await serveMetricsApart(infra.metrics, config.metrics, env.HOST, logger);
  stops.add(closeMetrics);
  const server = await listenHttp(app, env.PORT, env.HOST);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.PORT;
  const endLiveConnections = () => {
    for (const end of [...consoleStreams]) end();
  };
  return { server, port, ...(metricsPort !== undefined && { metricsPort }), endLiveConnections };
}
