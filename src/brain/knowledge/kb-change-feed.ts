import { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * Knowledge-base changes announced over Redis pub/sub: the CLI publishes the name of the
 * knowledge base it changed, every process holding indexes reloads that one. Pub/sub is
 * fire-and-forget, so a subscriber that was disconnected reloads everything when it reconnects.
 */
export function kbChangedChannel(prefix: string): string {
  return `${prefix}:kb-changed`;
}

/** `redis` must be a connection without an ioredis keyPrefix (channel names are not prefixed for us). */
export async function publishKbChanged(redis: Redis, prefix: string, kbName: string): Promise<number> {
  return redis.publish(kbChangedChannel(prefix), kbName);
}

export interface KbChangeSubscription {
  close(): Promise<void>;
}

export async function subscribeKbChanges(
  redisUrl: string,
  prefix: string,
  handlers: { changed: (kbName: string) => void; reconnected: () => void },
  logger?: Logger,
): Promise<KbChangeSubscription> {
  const subscriber = new Redis(redisUrl, { maxRetriesPerRequest: null });
  subscriber.on('error', (err) => logger?.warn({ err: err.message }, 'kb change subscriber: redis error'));
  const channel = kbChangedChannel(prefix);
  subscriber.on('message', (from, kbName) => {
    if (from === channel) handlers.changed(kbName);
  });
  let subscribedOnce = false;
  // ioredis resubscribes by itself after a reconnect; whatever was published meanwhile is lost.
  subscriber.on('ready', () => {
    if (subscribedOnce) handlers.reconnected();
  });
  await subscriber.subscribe(channel);
  subscribedOnce = true;
  return {
    async close() {
      subscriber.disconnect();
    },
  };
}
