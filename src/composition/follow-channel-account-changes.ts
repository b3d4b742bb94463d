import { subscribeAccountChanges } from '../channel-accounts/account-change-feed.ts';
import { readStoredAccounts } from '../channel-accounts/stored-accounts.ts';
import type { Channel } from '../channels/types.ts';
import { type ChannelAccounts, withStoredAccounts } from '../config/env.ts';
import { syncChannelAccounts } from '../conversations/channel-accounts.ts';
import type { Infrastructure } from './connect-infrastructure.ts';
import type { StartContext } from './start-context.ts';

/**
 * Keeps the running channels' account lists current with the accounts added in the console: on
 * each announcement (src/channel-accounts/account-change-feed.ts) the stored accounts are read
 * again, checked by the channels' own rules, and put into the very lists the channels were built
 * with, which they search on every callback and send (src/channels/account-lookup.ts). Their
 * rows get ids first, so the intake knows an account before its first callback can arrive.
 * A channel that had no account at start was never built: its first account needs a restart.
 */
export async function followChannelAccountChanges(
  { config, logger }: StartContext,
  infra: Infrastructure,
  live: ChannelAccounts,
  channels: Channel[],
): Promise<void> {
  let running: Promise<void> = Promise.resolve();
  const reload = async () => {
    const next = withStoredAccounts(config, await readStoredAccounts(infra.db, config.secretsKeyring));
    for (const key of Object.keys(live) as Array<keyof ChannelAccounts>) {
      const list = live[key] as unknown[];
      if (list.length === 0 && next[key].length > 0) {
        logger.warn({ channel: key }, 'a channel account was added for a channel this process did not start: restart to serve it');
        continue;
      }
      if (list.length > 0) list.splice(0, list.length, ...next[key]);
    }
    await syncChannelAccounts(
      infra.db,
      channels.flatMap((c) => c.accounts().map((a) => ({ channel: c.kind, ...a }))),
    );
  };
  await subscribeAccountChanges(infra.connectRedis('channel-account-changes', {}), infra.redisPrefix, () => {
    // One reload at a time, in order: two quick additions never interleave.
    running = running
      .then(reload)
      .catch((err) => logger.error({ err }, 'reloading channel accounts failed; the previous ones keep serving'));
  });
}
