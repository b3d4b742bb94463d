import type { ChannelBuilder } from '../channel-builder.ts';
import type { WebAccount, WebEnv } from './config.ts';
import { startUploadRetentionSweep } from './upload-retention.ts';
import { createWebChannel } from './web-channel.ts';
import { loadOrCreateWidgetSecret, requireSharedWidgetSecret } from './widget-secret.ts';

export const webBuilder: ChannelBuilder<WebAccount, WebEnv> = {
  checkBeforeStart: (accounts, context) => requireSharedWidgetSecret(accounts, context),
  build(accounts, env, deps) {
    const { db, redis, redisPrefix, metrics, logger, accept } = deps;
    // Streams are served by API processes; workers only publish replies.
    const subscriber = deps.role === 'worker' ? undefined : deps.connectRedis('web streams', { maxRetriesPerRequest: null });
    const defaultAccount = accounts.find((a) => a.name === 'default');
    return {
      channel: createWebChannel({
        accounts,
        fallbackSecret: () => loadOrCreateWidgetSecret(deps.dataDir),
        sessionTtlSeconds: env.WEB_SESSION_TTL_S,
        streamMaxLifetimeMs: env.WEB_CHAT_STREAM_MAX_S * 1000,
        db,
        redis,
        subscriber,
        redisPrefix,
        accept,
        logger,
        metrics,
        demoPublicId: deps.demoPage ? defaultAccount?.publicId : undefined,
        maxStreams: env.WEB_CHAT_MAX_STREAMS,
        greeting: (account) => deps.greeting('web', account),
      }),
      startBackgroundWork: () => startUploadRetentionSweep(db, accounts, metrics, logger),
    };
  },
};
