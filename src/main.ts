import { startService, type Role } from './composition.ts';
import { loadConfig } from './config/env.ts';
import { ConfigError } from './errors.ts';
import { watchParent } from './lib/watch-parent.ts';

const roles: Role[] = ['all', 'api', 'worker'];
const role = (process.argv[2] ?? 'all') as Role;

async function main() {
  if (!roles.includes(role)) throw new ConfigError(`role must be one of ${roles.join(', ')}, got "${role}"`);
  const service = await startService(loadConfig(), role);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    service.logger.info({ signal }, 'signal received');
    service.stop().then(
      (result) => process.exit(result === 'stopped' ? 0 : 1),
      (err) => {
        service.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // A promise nobody awaited (a client library's background reconnect, say) must not take the
  // process and its in-flight jobs down: log it loudly and carry on.
  process.on('unhandledRejection', (reason) => service.logger.error({ err: reason }, 'unhandled promise rejection'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  // Started by an npm script: npm does not pass SIGTERM on, so its going away is the signal.
  if (process.env.npm_lifecycle_event) watchParent(() => shutdown('parent exited'));
}

main().catch((err) => {
  // One clear line for configuration mistakes; a stack for anything else.
  if (err instanceof ConfigError) console.error(`kefu-hub: cannot start: ${err.message}`);
  else console.error('kefu-hub: cannot start:', err);
  process.exit(1);
});
