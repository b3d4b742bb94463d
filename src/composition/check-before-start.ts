import type { Role } from '../channels/channel-builder.ts';
import { channelRegistry } from '../channels/registry.ts';
import type { Config } from '../config/env.ts';
import { ConfigError } from '../errors.ts';

/** Refuses what this role cannot run, before any connection is opened or any server started. */
export function checkBeforeStart(config: Config, role: Role): void {
  if (role !== 'all' && config.embeddedDatabase) {
    throw new ConfigError(
      `DATABASE_URL: the ${role} role runs apart from the others and they must share PostgreSQL; the embedded PGlite lives inside one process. Set DATABASE_URL, or run both roles in one process with \`npm start\`.`,
    );
  }
  for (const { key, builder } of channelRegistry) {
    const accounts = config.accounts[key];
    if (accounts.length > 0) builder.checkBeforeStart?.(accounts, { role, production: config.production });
  }
}
