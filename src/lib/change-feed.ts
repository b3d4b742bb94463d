/**
 * A change announced over Redis pub/sub: whoever changed something publishes a short message on a
 * channel, every process holding a copy reloads. Pub/sub is fire-and-forget, so a subscriber that
 * was disconnected is told so and reloads everything. The kb-changed feed (knowledge bases) and
 * the settings-changed feed (the bot's settings) are two channels of this one mechanism.
 */

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

/**
 * Listens on `subscriber`, a connection of its own (a subscribed connection runs no other
 * commands) created and closed by the composition root, without an ioredis keyPrefix.
 */
export async function subscribeChangeFeed(
  subscriber: PubSubConnection,
  channel: string,
  handlers: { changed: (message: string) => void; reconnected: () => void },
): Promise<void> {
  subscriber.on('message', (from, message) => {
    if (from === channel) handlers.changed(message);
  });
  let subscribedOnce = false;
  // ioredis resubscribes by itself after a reconnect; whatever was published meanwhile is lost.
  subscriber.on('ready', () => {
    if (subscribedOnce) handlers.reconnected();
  });
  await subscriber.subscribe(channel);
  subscribedOnce = true;
}
