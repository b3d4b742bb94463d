import { readStoredAccounts } from '../channel-accounts/stored-accounts.ts';
import { withStoredAccounts } from '../config/env.ts';
import type { Infrastructure } from './connect-infrastructure.ts';
import type { StartContext } from './start-context.ts';

/**
 * The start's context with the channel accounts added in the console (PostgreSQL, secrets opened
 * with SECRETS_KEY) beside those of the environment and CONFIG_FILE, before the channels are built.
 * Without SECRETS_KEY while such accounts exist, the start stops with one line naming it.
 */
export async function addStoredAccounts(context: StartContext, infra: Infrastructure): Promise<StartContext> {
  const stored = await readStoredAccounts(infra.db, context.config.secretsKeyring);
  if (stored.length === 0) return { ...context, config: { ...context.config, accounts: withStoredAccounts(context.config, []) } };
  context.logger.info({ accounts: stored.map((s) => `${s.channel}/${s.name}`) }, 'channel accounts added in the console');
  return { ...context, config: { ...context.config, accounts: withStoredAccounts(context.config, stored) } };
}
