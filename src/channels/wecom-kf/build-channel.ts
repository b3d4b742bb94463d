import type { ChannelBuilder } from '../channel-builder.ts';
import type { WecomKfAccount } from './config.ts';
import { createWecomKfChannel } from './wecom-kf-channel.ts';

/** kf messages arrive by sync_msg, not by callback: the worker roles run those syncs. */
export const wecomKfBuilder: ChannelBuilder<WecomKfAccount, unknown> = {
  build(accounts, _env, deps) {
    const { db, redis, redisPrefix, metrics, logger, limits, accept, events } = deps;
    const queueConnection = deps.connectRedis('kf sync queue', { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    const channel = createWecomKfChannel({
      accounts,
      db,
      redis,
      queueConnection,
      onRedisError: deps.onRedisError,
      redisPrefix,
      metrics,
      logger,
      limits,
      accept,
      events,
    });
    deps.onStop(() => channel.close());
    return {
      channel,
      queues: [channel.syncQueue],
      startBackgroundWork: () => channel.startSyncWorker(deps.connectRedis('kf sync worker', { maxRetriesPerRequest: null })),
    };
  },
};
