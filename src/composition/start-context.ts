import type { Role } from '../channels/channel-builder.ts';
import type { Config } from '../config/env.ts';
import type { Logger } from '../observability/logger.ts';

/** Steps to run on stop (or on a failed start), in the reverse order of their creation. */
export interface StopList {
  add(fn: () => Promise<void> | void): void;
  /** Runs every step; one that fails is logged and the others still run. */
  stopAll(): Promise<void>;
}

export function createStopList(logger: Logger): StopList {
  const steps: Array<() => Promise<void> | void> = [];
  return {
    add: (fn) => void steps.push(fn),
    async stopAll() {
      for (const fn of steps.reverse()) await Promise.resolve(fn()).catch((err) => logger.warn({ err }, 'cleanup step failed'));
    },
  };
}

/** What every step of the start is handed. */
export interface StartContext {
  config: Config;
  role: Role;
  logger: Logger;
  stops: StopList;
}
