import type { Redis } from 'ioredis';

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

/**
 * Listens on `subscriber`, a connection of its own (a subscribed connection runs no other
 * commands) created and closed by the composition root, without an ioredis keyPrefix.
 */
export async function subscribeKbChanges(
  subscriber: Redis,
  prefix: string,
  handlers: { changed: (kbName: string) => void; reconnected: () => void },
): Promise<void> {
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
}
