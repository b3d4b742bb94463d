import { type PubSubConnection, subscribeChangeFeed } from '../lib/change-feed.ts';

/**
 * "Channel accounts changed", announced over Redis pub/sub (src/lib/change-feed.ts) when the
 * console adds an account or generates its keys: every process re-reads the stored accounts, and
 * a subscriber that was disconnected re-reads on reconnect.
 */
export const accountsChangedChannel = (prefix: string) => `${prefix}:channel-accounts-changed`;

export async function announceAccountsChanged(redis: Pick<PubSubConnection, 'publish'>, prefix: string): Promise<void> {
  await redis.publish(accountsChangedChannel(prefix), '1');
}

/** Listens on `subscriber`, a connection of its own without an ioredis keyPrefix. */
export async function subscribeAccountChanges(subscriber: PubSubConnection, prefix: string, changed: () => void): Promise<void> {
  await subscribeChangeFeed(subscriber, accountsChangedChannel(prefix), { changed: () => changed(), reconnected: changed });
}
