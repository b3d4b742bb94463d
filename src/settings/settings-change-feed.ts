import { type PubSubConnection, subscribeChangeFeed } from '../lib/change-feed.ts';
import { type SettingsSection, settingsSections } from './bot-settings-schema.ts';

/**
 * The bot's settings changes, announced over Redis pub/sub like knowledge-base changes
 * (src/lib/change-feed.ts): the console publishes the section it saved, every API and worker
 * process reads it again from the database. The message names the section only: the document is
 * read from the database, so nothing but PostgreSQL is ever the source of a setting.
 */
export function settingsChangedChannel(prefix: string): string {
  return `${prefix}:settings-changed`;
}

export async function publishSettingsChanged(redis: PubSubConnection, prefix: string, section: SettingsSection): Promise<number> {
  return redis.publish(settingsChangedChannel(prefix), section);
}

export async function subscribeSettingsChanges(
  subscriber: PubSubConnection,
  prefix: string,
  handlers: { changed: (section: SettingsSection) => void; reconnected: () => void },
): Promise<void> {
  await subscribeChangeFeed(subscriber, settingsChangedChannel(prefix), {
    changed: (message) => {
      if (Object.hasOwn(settingsSections, message)) handlers.changed(message as SettingsSection);
    },
    reconnected: handlers.reconnected,
  });
}
