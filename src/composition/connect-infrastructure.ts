import type { Queue } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { connectDatabase, type DatabaseHandle, pgliteDirUnder } from '../db/connect.ts';
import { redisPrefixFor } from '../db/database-identity.ts';
import { applyMigrations } from '../db/migrate.ts';
import { type AnnounceConversations, conversationAnnouncer } from '../conversations/announce-conversations.ts';
import { type ConversationEvents, redisConversationEvents } from '../conversations/conversation-events.ts';
import { ConfigError } from '../errors.ts';
import { ensurePrivateRedis, redisAnswers } from '../lib/private-redis.ts';
import { createMetrics, type Metrics } from '../observability/metrics.ts';
import { createRedisErrorLog, type RedisErrorLog } from '../observability/redis-error-log.ts';
import { createConversationQueue, type TurnJobData } from '../queue/conversation-queue.ts';
import { registerQueueMetrics } from '../queue/queue-metrics.ts';
import type { StartContext } from './start-context.ts';

export interface Infrastructure {
  database: DatabaseHandle;
  db: DatabaseHandle['db'];
  /** REDIS_PREFIX and the database's id: keys of two databases never meet in one Redis. */
  redisPrefix: string;
  metrics: Metrics;
  redisErrors: RedisErrorLog;
  /** Commands (keyPrefix applied). */
  redis: Redis;
  queue: Queue<TurnJobData>;
  /** The console's live events: published on Redis, served by every API process. */
  events: ConversationEvents;
  announce: AnnounceConversations;
  /** Another connection to the same Redis, watched for errors and closed on stop. */
  connectRedis(purpose: string, options: RedisOptions): Redis;
}

/**
 * Redis (a private one under DATA_DIR for `npm start` when REDIS_URL is unset), the database with
 * its migrations applied, the Redis prefix that carries the database's id, the conversation queue.
 */
export async function connectInfrastructure(
  { config, role, logger, stops }: StartContext,
  /** Tests record console events instead of publishing them. */
  events_?: ConversationEvents,
): Promise<Infrastructure> {
  const { env } = config;
  let redisUrl = config.redisUrl;
  if (config.defaultRedis && role === 'all') {
    const privateRedis = await ensurePrivateRedis(env.DATA_DIR, redisUrl, logger);
    redisUrl = privateRedis.url;
    stops.add(privateRedis.stop);
  } else if (!(await redisAnswers(redisUrl))) {
    throw new ConfigError(`REDIS_URL: nothing answers at ${redisUrl}`);
  }

  const database = await connectDatabase({
    url: env.DATABASE_URL,
    pgliteDir: pgliteDirUnder(env.DATA_DIR),
    onConnectionError: (err) => logger.warn({ err }, 'database connection lost; the pool will reconnect'),
  });
  stops.add(() => database.close());
  await applyMigrations(database);
  const redisPrefix = await redisPrefixFor(database.db, env.REDIS_PREFIX);

  const metrics = createMetrics();
  const redisErrors = createRedisErrorLog(logger);
  const connectRedis = (purpose: string, options: RedisOptions) => {
    const connection = new Redis(redisUrl, options);
    redisErrors.watch(connection, purpose);
    stops.add(() => connection.disconnect());
    return connection;
  };
  // Commands fail fast while Redis is unreachable instead of queueing in memory: a callback must
  // not wait on a dead connection, and every caller has a durable fallback (the database).
  // Auto-pipelining sends the commands issued in one tick in one write (and those issued while a
  // write waits for its replies in the next): the concurrent turns a group commit releases together
  // take and free their locks and count their sends in a few writes, not one each (docs/performance.md).
  // ioredis runs one auto-pipeline at a time: with a retry per request, commands issued while a
  // dropped connection's pipeline waited for its retry queued behind it for up to a reconnect;
  // with none, that pipeline fails at the close and they fail at once, as the offline queue does.
  const redis = connectRedis('commands', {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    keyPrefix: `${redisPrefix}:`,
    enableAutoPipelining: true,
  });
  await new Promise<void>((resolve) => (redis.status === 'ready' ? resolve() : redis.once('ready', () => resolve())));

  // BullMQ prefixes its own keys; its connections must not carry an ioredis keyPrefix.
  // BullMQ does not close connections it was handed, so each is closed here after its user.
  const queueConnection = connectRedis('queue', { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  const queue = createConversationQueue(queueConnection, redisPrefix, env.JOB_ATTEMPTS);
  redisErrors.watchErrors(queue, 'queue');
  stops.add(() => queue.close());
  await queue.waitUntilReady();
  registerQueueMetrics(metrics, queue);

  const events = events_ ?? redisConversationEvents(redis, redisPrefix, logger);
  const announce = conversationAnnouncer(database.db, events, logger);
  return { database, db: database.db, redisPrefix, metrics, redisErrors, redis, queue, events, announce, connectRedis };
}
