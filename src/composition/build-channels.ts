import type { BuiltChannel } from '../channels/channel-builder.ts';
import { channelRegistry } from '../channels/registry.ts';
import type { AcceptInbound } from '../channels/types.ts';
import { greetingFor } from '../settings/bot-settings-schema.ts';
import type { Infrastructure } from './connect-infrastructure.ts';
import type { LiveSettings } from './start-settings.ts';
import type { StartContext } from './start-context.ts';

/** Every channel with at least one account, built in the registry's order (src/channels/registry.ts). */
export function buildChannels(
  { config, role, logger, stops }: StartContext,
  infra: Infrastructure,
  settings: LiveSettings,
  accept: AcceptInbound,
): BuiltChannel[] {
  const { env } = config;
  const deps = {
    role,
    db: infra.db,
    redis: infra.redis,
    redisPrefix: infra.redisPrefix,
    metrics: infra.metrics,
    logger,
    limits: { replayWindowSeconds: env.CALLBACK_REPLAY_WINDOW_S, maxBodyBytes: env.CALLBACK_MAX_BODY_BYTES },
    accept,
    events: infra.events,
    dataDir: env.DATA_DIR,
    demoPage: config.demo.page,
    connectRedis: infra.connectRedis,
    onRedisError: infra.redisErrors.report,
    onStop: stops.add,
    greeting: (channel: string, account: string) => greetingFor(settings.current(), channel, account),
  };
  return channelRegistry
    .filter(({ key }) => config.accounts[key].length > 0)
    .map(({ key, builder }) => builder.build(config.accounts[key], env, deps));
}
