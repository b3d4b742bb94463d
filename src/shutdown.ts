import type { Server } from 'node:http';
import type { Worker } from 'bullmq';
import type { Channel } from './channels/types.ts';
import type { Logger } from './observability/logger.ts';

export interface RunningParts {
  server: Server;
  channels: Channel[];
  worker?: Worker;
  /** Closes queues and connections, in the reverse order of their creation. */
  closeConnections(): Promise<void>;
  /** Ends the console's event streams, like the channels' live connections. */
  endLiveConnections(): void;
  logger: Logger;
}

export type StopResult = 'stopped' | 'deadline_passed';

/** Resolves true when `work` finishes within `ms`, false when the time runs out first. */
async function finishesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Stops within `timeoutMs` (SHUTDOWN_TIMEOUT_MS), whatever state Redis or the database are in:
 * running jobs may finish until the last 2 s (the last quarter, if shorter), left for closing
 * connections; then they are handed back. Whatever is still unfinished at the deadline (a drain
 * stuck on an unreachable Redis) is left: its messages are in the database, and the recovery sweep
 * of the next process queues them again (docs/delivery-guarantees.md).
 */
export async function stopWithin(timeoutMs: number, parts: RunningParts): Promise<StopResult> {
  const { logger } = parts;
  logger.info({ timeoutMs }, 'shutting down: no new callbacks, draining jobs');
  const drainMs = timeoutMs - Math.min(2_000, Math.floor(timeoutMs / 4));
  if (await finishesWithin(drainAndClose(parts, drainMs), timeoutMs)) {
    logger.info('stopped');
    return 'stopped';
  }
  logger.warn(
    { timeoutMs },
    'shutdown deadline passed (SHUTDOWN_TIMEOUT_MS): exiting with work unfinished; stored messages are queued again by the recovery sweep',
  );
  return 'deadline_passed';
}

async function drainAndClose(
  { server, channels, worker, closeConnections, endLiveConnections, logger }: RunningParts,
  drainMs: number,
): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Connections still answering (the event streams ended below, requests in flight) go idle later,
  // and keep-alive would hold each one open for its whole idle time (src/http/listen-http.ts):
  // close them as they go idle.
  const closingIdle = setInterval(() => server.closeIdleConnections(), 50);
  server.closeIdleConnections();
  try {
    // Long-lived connections (the widget's event streams) end now; browsers reconnect elsewhere.
    endLiveConnections();
    await Promise.all(channels.map((c) => c.endLiveConnections?.()));
    if (worker && !(await finishesWithin(worker.close(), drainMs))) {
      logger.warn('drain time over: jobs still running are handed back to the queue');
      await worker.close(true);
    }
    await closed;
  } finally {
    clearInterval(closingIdle);
  }
  await closeConnections();
}
