/**
 * Knowledge-base changes announced over Redis pub/sub: the CLI publishes the name of the
 * knowledge base it changed, every process holding indexes reloads that one. Pub/sub is
 * fire-and-forget, so a subscriber that was disconnected reloads everything when it reconnects.
 */
export function kbChangedChannel(prefix: string): string {
  return `${prefix}:kb-changed`;
}

/**
 * What the feed uses of a Redis connection: the composition root (or the CLI) makes the connection,
 * without a key prefix (channel names are not prefixed for us), and hands it here.
 */
export interface PubSubConnection {
  publish(channel: string, message: string): Promise<number>;
  subscribe(channel: string): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
  on(event: 'ready', listener: () => void): unknown;
}

export async function publishKbChanged(redis: PubSubConnection, prefix: string, kbName: string): Promise<number> {
  return redis.publish(kbChangedChannel(prefix), kbName);
}

/**
 * Listens on `subscriber`, a connection of its own (a subscribed connection runs no other
 * commands) created and closed by the composition root, without an ioredis keyPrefix.
 */
export async function subscribeKbChanges(
  subscriber: PubSubConnection,
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
