import type { Channel } from '../channels/types.ts';
import { createRoundRobin, type RoundRobinService } from '../conversations/round-robin.ts';
import { staffLinesFor } from '../conversations/staff-lines.ts';
import { registerWorkspaceMetrics, workspaceTimings } from '../conversations/workspace-metrics.ts';
import type { WorkspaceTimings } from '../conversations/workspace-timings.ts';
import { type PresenceStore, redisPresence } from '../staff/presence.ts';
import type { Infrastructure } from './connect-infrastructure.ts';
import type { StartContext } from './start-context.ts';

export interface Assignment {
  presence: PresenceStore;
  roundRobin: RoundRobinService;
  /** The handoff-wait and first-response histograms. */
  timings: WorkspaceTimings;
}

/**
 * Presence and round-robin, for every role: the API assigns when a person comes online or frees a
 * slot, the worker when its turn hands a conversation over, and sweeps (src/workers/round-robin-sweep.ts).
 */
export function startAssignment({ config, role, logger }: StartContext, infra: Infrastructure, channels: Channel[]): Assignment {
  const { env } = config;
  // The API roles report the waiting gauge; a worker's /metrics would repeat it.
  const timings = role === 'worker' ? workspaceTimings(infra.metrics) : registerWorkspaceMetrics(infra.metrics, infra.db);
  const presence = redisPresence({
    redis: infra.redis,
    redisPrefix: infra.redisPrefix,
    logger,
    // Two missed heartbeats and a margin: a killed process's users go offline within about a minute.
    streamTtlMs: 2 * env.CONSOLE_EVENTS_HEARTBEAT_MS + 10_000,
  });
  const roundRobin = createRoundRobin({
    db: infra.db,
    events: infra.events,
    lines: staffLinesFor(channels, infra.queue, logger),
    timings,
    presence,
    defaultCap: env.AGENT_MAX_OPEN_CONVERSATIONS,
    logger,
  });
  return { presence, roundRobin, timings };
}
