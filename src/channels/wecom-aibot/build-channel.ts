import type { ChannelBuilder } from '../channel-builder.ts';
import type { WecomAibotAccount } from './config.ts';
import { holdLongConnection } from './long-connection.ts';
import { StreamStore } from './stream-store.ts';
import { answerDepsFor, createWecomAibotChannel } from './wecom-aibot-channel.ts';

/**
 * A lease TTL of 3 s: a holder killed with -9 is replaced within it plus a standby's poll (0.5 s)
 * and the new connection's subscribe, inside the 5 s the issue allows.
 */
const LEASE = { ttlMs: 3000, pollMs: 500 };
const HEARTBEAT_MS = 15_000;

export const wecomAibotBuilder: ChannelBuilder<WecomAibotAccount, unknown> = {
  build(accounts, _env, deps) {
    const { db, redis, redisPrefix, metrics, limits, accept, logger } = deps;
    const streams = new Map(
      accounts.map((a) => [
        a.name,
        // ioredis applies no keyPrefix to pub/sub channels: the prefix is added here.
        new StreamStore(redis, a.name, a.mode === 'ws' ? `${redisPrefix}:wecom-aibot:stream-changed:${a.name}` : undefined),
      ]),
    );
    const channelDeps = { accounts, streams, db, redis, metrics, limits, accept };
    const channel = createWecomAibotChannel(channelDeps);
    const connected = accounts.filter((a) => a.mode === 'ws');
    return {
      channel,
      // The worker roles compete for each bot's connection; exactly one holds it (connection-lease.ts).
      startBackgroundWork:
        connected.length === 0
          ? undefined
          : async () => {
              // Loaded here, not at the top: only a process holding a long connection needs the SDK
              // (about 0.15 s of CPU to load, with axios and ws).
              const { WSClient } = await import('@wecom/aibot-node-sdk');
              const stops = connected.map((account) =>
                holdLongConnection({
                  redis,
                  subscriber: deps.connectRedis(`aibot ${account.name} streams`, { maxRetriesPerRequest: null }),
                  blocking: deps.connectRedis(`aibot ${account.name} outbox`, {
                    maxRetriesPerRequest: null,
                    keyPrefix: `${redisPrefix}:`,
                  }),
                  answering: answerDepsFor(channelDeps, account),
                  logger,
                  metrics,
                  lease: LEASE,
                  heartbeatMs: HEARTBEAT_MS,
                  WSClient,
                }),
              );
              return async () => {
                await Promise.all(stops.map((stop) => stop()));
              };
            },
    };
  },
};
