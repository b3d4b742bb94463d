import { type PubSubConnection, subscribeChangeFeed } from '../../lib/change-feed.ts';

/**
 * Knowledge-base changes announced over Redis pub/sub (src/lib/change-feed.ts): the CLI publishes
 * the name of the knowledge base it changed, every process holding indexes reloads that one.
 */
export function kbChangedChannel(prefix: string): string {
  return `${prefix}:kb-changed`;
}

export async function publishKbChanged(redis: PubSubConnection, prefix: string, kbName: string): Promise<number> {
  return redis.publish(kbChangedChannel(prefix), kbName);
}

export async function subscribeKbChanges(
  subscriber: PubSubConnection,
  prefix: string,
  handlers: { changed: (kbName: string) => void; reconnected: () => void },
): Promise<void> {
  await subscribeChangeFeed(subscriber, kbChangedChannel(prefix), handlers);
}
