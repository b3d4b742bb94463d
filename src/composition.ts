import type { Server } from 'node:http';
import { Redis } from 'ioredis';
import type { Worker } from 'bullmq';
import { kbChangedChannel, subscribeKbChanges } from './brain/knowledge/kb-change-feed.ts';
import { loadBrain } from './brain/load-brain.ts';
import type { Brain } from './brain/types.ts';
import type { Database } from './db/connect.ts';
import type { AcceptInbound, Channel } from './channels/types.ts';
import { startUploadRetentionSweep } from './channels/web/upload-retention.ts';
import { createWebChannel } from './channels/web/web-channel.ts';
import { loadOrCreateWidgetSecret, requireSharedWidgetSecret } from './channels/web/widget-secret.ts';
import { createWecomChannel } from './channels/wecom/wecom-channel.ts';
import { createWechatMpChannel } from './channels/wechat-mp/wechat-mp-channel.ts';
import { createWecomKfChannel, type WecomKfChannel } from './channels/wecom-kf/wecom-kf-channel.ts';
import type { Config } from './config/env.ts';
import { syncChannelAccounts } from './conversations/channel-accounts.ts';
import { conversationSummaries } from './conversations/conversation-summary.ts';
import { connectDatabase, pgliteDirUnder, type DatabaseHandle } from './db/connect.ts';
import { applyMigrations, migrationsApplied } from './db/migrate.ts';
import { redisPrefixFor } from './db/database-identity.ts';
import { ConfigError } from './errors.ts';
import { consoleApi } from './console/console-api.ts';
import { createHttpApp } from './http/app.ts';
import { serveMetricsApart } from './http/metrics-route.ts';
import { QUEUE_BOARD_PATH, queueBoard } from './http/queue-board.ts';
import { createIntake } from './intake/accept-inbound.ts';
import { ensurePrivateRedis, redisAnswers } from './lib/private-redis.ts';
import { createLogger, type Logger } from './observability/logger.ts';
import { createMetrics, type Metrics } from './observability/metrics.ts';
import { createConversationQueue } from './queue/conversation-queue.ts';
import { registerQueueMetrics } from './queue/queue-metrics.ts';
import { startConversationWorker } from './workers/conversation-worker.ts';
import { createTurnProcessor } from './workers/conversation-turn-processor.ts';
import { startRecoverySweep } from './workers/recovery-sweep.ts';
import { createRedisErrorLog } from './observability/redis-error-log.ts';
import { type StopResult, stopWithin } from './shutdown.ts';

/** all = API and workers in one process (one machine); api and worker scale apart. */
export type Role = 'all' | 'api' | 'worker';

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
}

/**
 * The composition root: builds every dependency from config, hands them down, starts what the role
 * runs. Nothing else in the code base creates connections or reads the environment.
 */
export async function startService(config: Config, role: Role, overrides: ServiceOverrides = {}): Promise<Service> {
  const { env } = config;
  const logger = overrides.logger ?? createLogger(env.LOG_LEVEL, { role });
  if (role !== 'all' && config.embeddedDatabase) {
    throw new ConfigError(
      `DATABASE_URL: the ${role} role runs apart from the others and they must share PostgreSQL; the embedded PGlite lives inside one process. Set DATABASE_URL, or run both roles in one process with \`npm start\`.`,
    );
  }
  requireSharedWidgetSecret(config.accounts.web, { role, production: env.NODE_ENV === 'production' });
  const cleanups: Array<() => Promise<void> | void> = [];
  const cleanup = async () => {
    for (const fn of cleanups.reverse()) await Promise.resolve(fn()).catch((err) => logger.warn({ err }, 'cleanup step failed'));
  };
  try {
    let redisUrl = config.redisUrl;
    if (config.defaultRedis && role === 'all') {
      const privateRedis = await ensurePrivateRedis(env.DATA_DIR, redisUrl, logger);
      redisUrl = privateRedis.url;
      cleanups.push(privateRedis.stop);
    } else if (!(await redisAnswers(redisUrl))) {
      throw new ConfigError(`REDIS_URL: nothing answers at ${redisUrl}`);
    }

    const database: DatabaseHandle = await connectDatabase({
      url: env.DATABASE_URL,
      pgliteDir: pgliteDirUnder(env.DATA_DIR),
      onConnectionError: (err) => logger.warn({ err: err.message }, 'database connection lost; the pool will reconnect'),
    });
    cleanups.push(() => database.close());
    await applyMigrations(database);
    const { db } = database;
    const redisPrefix = await redisPrefixFor(db, env.REDIS_PREFIX);

    const metrics = createMetrics();
    const redisErrors = createRedisErrorLog(logger);
    // Commands fail fast while Redis is unreachable instead of queueing in memory: a callback must
    // not wait on a dead connection, and every caller has a durable fallback (the database).
    const redis = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1, keyPrefix: `${redisPrefix}:` });
    redisErrors.watch(redis, 'commands');
    cleanups.push(() => redis.disconnect());
    await new Promise<void>((resolve) => (redis.status === 'ready' ? resolve() : redis.once('ready', () => resolve())));

    // BullMQ prefixes its own keys; its connections must not carry an ioredis keyPrefix.
    // BullMQ does not close connections it was handed, so each is closed here after its user.
    const queueConnection = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    redisErrors.watch(queueConnection, 'queue');
    cleanups.push(() => queueConnection.disconnect());
    const queue = createConversationQueue(queueConnection, redisPrefix, env.JOB_ATTEMPTS);
    redisErrors.watchErrors(queue, 'queue');
    cleanups.push(() => queue.close());
    await queue.waitUntilReady();
    registerQueueMetrics(metrics, queue);

    const limits = { replayWindowSeconds: env.CALLBACK_REPLAY_WINDOW_S, maxBodyBytes: env.CALLBACK_MAX_BODY_BYTES };
    // The accept function is created after the account ids are known; channels call it late-bound.
    let accept: AcceptInbound = async () => {
      throw new Error('intake is not ready');
    };
    const channels: Channel[] = [];
    if (config.accounts.wecom.length > 0) {
      channels.push(createWecomChannel({ accounts: config.accounts.wecom, redis, metrics, limits, accept: (m) => accept(m) }));
    }
    if (config.accounts.wechatMp.length > 0) {
      channels.push(
        createWechatMpChannel({
          accounts: config.accounts.wechatMp,
          redis,
          metrics,
          logger,
          limits,
          accept: (m) => accept(m),
        }),
      );
    }
    let wecomKf: WecomKfChannel | undefined;
    if (config.accounts.wecomKf.length > 0) {
      const kfQueueConnection = new Redis(redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
      redisErrors.watch(kfQueueConnection, 'kf sync queue');
      cleanups.push(() => kfQueueConnection.disconnect());
      wecomKf = createWecomKfChannel({
        accounts: config.accounts.wecomKf,
        db,
        redis,
        queueConnection: kfQueueConnection,
        onRedisError: redisErrors.report,
        redisPrefix,
        metrics,
        logger,
        limits,
        accept: (m) => accept(m),
      });
      cleanups.push(() => wecomKf!.close());
      channels.push(wecomKf);
    }
    if (config.accounts.web.length > 0) {
      // Streams are served by API processes; workers only publish replies.
      const subscriber = role === 'worker' ? undefined : new Redis(redisUrl, { maxRetriesPerRequest: null });
      if (subscriber) {
        redisErrors.watch(subscriber, 'web streams');
        cleanups.push(() => subscriber.disconnect());
      }
      const defaultAccount = config.accounts.web.find((a) => a.name === 'default');
      channels.push(
        createWebChannel({
          accounts: config.accounts.web,
          fallbackSecret: () => loadOrCreateWidgetSecret(env.DATA_DIR),
          sessionTtlSeconds: env.WEB_SESSION_TTL_S,
          db,
          redis,
          subscriber,
          redisPrefix,
          accept: (m) => accept(m),
          logger,
          metrics,
          demoPublicId: config.demo.page ? defaultAccount?.publicId : undefined,
          maxStreams: env.WEB_CHAT_MAX_STREAMS,
        }),
      );
    }
    const accountIds = await syncChannelAccounts(
      db,
      channels.flatMap((c) => c.accounts().map((a) => ({ channel: c.kind, ...a }))),
    );
    const intake = createIntake({ db, queue, accountIds, logger, metrics, coalesceWindowMs: env.COALESCE_WINDOW_MS });
    accept = intake.accept;
    // Before the queue and Redis close: jobs of callbacks already acknowledged are queued now, not by the sweep.
    cleanups.push(() => intake.settle());

    // The brain's kb-change subscriber: a connection of its own (a subscribed connection runs nothing else).
    const kbChangeFeed = () => {
      const subscriber = new Redis(redisUrl, { maxRetriesPerRequest: null });
      redisErrors.watch(subscriber, 'kb changes');
      cleanups.push(() => subscriber.disconnect());
      return { subscriber, prefix: redisPrefix };
    };
    let worker: Worker | undefined;
    if (role !== 'api') {
      const { brain, knowledgeOnlyBrain } = overrides.brain
        ? { brain: overrides.brain, knowledgeOnlyBrain: undefined }
        : await startBrain(config, db, kbChangeFeed(), metrics, logger);
      const processTurn = createTurnProcessor({
        db,
        redis,
        brain,
        knowledgeOnlyBrain,
        channels: new Map(channels.map((c) => [c.kind, c])),
        metrics,
        logger,
        coalesceWindowMs: env.COALESCE_WINDOW_MS,
        lockMs: Math.ceil(env.JOB_LOCK_MS / 2),
        holdNotice: { text: env.HOLD_NOTICE_TEXT, intervalMs: env.HOLD_NOTICE_INTERVAL_MS },
      });
      const workerConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
      redisErrors.watch(workerConnection, 'worker');
      cleanups.push(() => workerConnection.disconnect());
      worker = startConversationWorker({
        connection: workerConnection,
        prefix: redisPrefix,
        processTurn,
        db,
        metrics,
        logger,
        concurrency: env.WORKER_CONCURRENCY,
        backoffBaseMs: env.JOB_BACKOFF_MS,
        lockMs: env.JOB_LOCK_MS,
        onError: (err) => redisErrors.report('worker', err),
      });
      // Connected before the process says it started: a stop during BullMQ's own connection setup
      // (a quick test, a crash-looping deploy) rejected inside BullMQ with nobody to hear it.
      await worker.waitUntilReady();
      cleanups.push(startRecoverySweep(db, queue, logger, 15_000, env.COALESCE_WINDOW_MS + 30_000));
      if (config.accounts.web.length > 0) cleanups.push(startUploadRetentionSweep(db, config.accounts.web, metrics, logger));
      // kf messages arrive by sync_msg, not by callback: the worker roles run those syncs.
      if (wecomKf) {
        const syncConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
        redisErrors.watch(syncConnection, 'kf sync worker');
        const stopSync = wecomKf.startSyncWorker(syncConnection);
        cleanups.push(async () => {
          await stopSync();
          syncConnection.disconnect();
        });
      }
    }

    const admin = env.ADMIN_USER && env.ADMIN_PASSWORD ? { user: env.ADMIN_USER, password: env.ADMIN_PASSWORD } : undefined;
    if (role !== 'worker') {
      if (admin) logger.info({ path: QUEUE_BOARD_PATH }, 'queue board on, behind the admin login');
      else logger.info('queue board off: set ADMIN_USER and ADMIN_PASSWORD to serve it at /admin/queues');
    }

    let accepting = true;
    const app = createHttpApp({
      extraMiddleware: role !== 'worker' && admin ? queueBoard([queue, ...(wecomKf ? [wecomKf.syncQueue] : [])], admin) : [],
      logger,
      metrics,
      ...(config.metrics.onMainPort && { metricsRoute: { token: config.metrics.token } }),
      // The worker role serves health and metrics only.
      channels: role === 'worker' ? [] : channels,
      registerRoutes: role === 'worker' ? [] : [consoleApi({ db, redis, env })],
      isAcceptingTraffic: () => accepting,
      trustedProxyHops: env.TRUSTED_PROXY_HOPS,
      isReady: async () => {
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
      },
    });
    const { port: metricsPort, close: closeMetrics } = await serveMetricsApart(metrics, config.metrics, env.HOST, logger);
    cleanups.push(closeMetrics);
    const server: Server = await new Promise((resolve, reject) => {
      const s = app.listen(env.PORT, env.HOST, () => resolve(s));
      s.once('error', reject);
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : env.PORT;
    logger.info({ port, database: database.kind, channels: channels.map((c) => c.kind) }, 'kefu-hub started');

    return {
      port,
      ...(metricsPort !== undefined && { metricsPort }),
      logger,
      db,
      redisPrefix,
      stop() {
        accepting = false;
        return stopWithin(env.SHUTDOWN_TIMEOUT_MS, { server, channels, worker, closeConnections: cleanup, logger });
      },
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}

/**
 * The brain of a worker process: knowledge-base indexes loaded from the database (the demo KB
 * imported first when `default` is empty), kept current by the kb-changed feed, and the model
 * brain in front when LLM_* is configured (with the offline brain beside it, for spent budgets).
 */
async function startBrain(
  config: Config,
  db: Database,
  kbChanges: { subscriber: Redis; prefix: string },
  metrics: Metrics,
  logger: Logger,
): Promise<{ brain: Brain; knowledgeOnlyBrain?: Brain }> {
  const { env } = config;
  const loaded = await loadBrain({
    db,
    configDir: env.BRAIN_CONFIG_DIR,
    promptsDir: env.PROMPTS_DIR,
    fallbackText: env.FALLBACK_TEXT,
    ...(config.demo.knowledgeFile && { demoFile: config.demo.knowledgeFile }),
    ...(config.demo.personaFile && { personaFile: config.demo.personaFile }),
    ...(config.embeddings && { embeddings: config.embeddings }),
    ...(config.model && { model: config.model }),
    memory: { recentTokens: env.MEMORY_RECENT_TOKENS, summaryTokens: env.MEMORY_SUMMARY_TOKENS },
    summaries: conversationSummaries(db),
    observer: {
      latency: (model, seconds) => metrics.modelLatency.observe({ model }, seconds),
      tokens: (model, kind, count) => metrics.modelTokens.inc({ model, kind }, count),
      error: (model, code) => metrics.modelErrors.inc({ model, code }),
    },
    logger,
  });
  const reload = (kbName: string) =>
    loaded.indexes
      .reload(kbName)
      .catch((err) => logger.error({ err, knowledgeBase: kbName }, 'reloading a knowledge base failed; the previous index keeps serving'));
  await subscribeKbChanges(kbChanges.subscriber, kbChanges.prefix, {
    changed: (kbName) => void reload(kbName),
    reconnected: () =>
      void loaded.indexes.loadAll().catch((err) => logger.error({ err }, 'reloading knowledge bases after a reconnect failed')),
  });
  logger.info(
    {
      mode: config.model ? `model ${config.model.model}` : 'offline',
      embeddings: config.embeddings?.model ?? null,
      feed: kbChangedChannel(kbChanges.prefix),
    },
    'brain ready',
  );
  // Customers whose model budget is spent are answered by the offline brain alone.
  return { brain: loaded.brain, ...(config.model && { knowledgeOnlyBrain: loaded.offline }) };
}
