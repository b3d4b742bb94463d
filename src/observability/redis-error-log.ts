import type { Logger } from './logger.ts';

/** What emits Redis connection errors: an ioredis connection, or a BullMQ queue or worker. */
interface RedisErrorSource {
  on(event: 'error', listener: (err: Error) => void): unknown;
}

/**
 * The Redis errors of all of a process's connections, logged by state, not one line each: a
 * warning when Redis becomes unreachable, one line per `intervalMs` while it stays so (with how
 * many errors it stands for), and a line when it answers again. ioredis retries every connection
 * every ~2 s and each failed attempt emits 'error': logged one by one, an outage filled the log
 * with ~200 identical lines a minute.
 */
export function createRedisErrorLog(logger: Logger, intervalMs = 30_000) {
  let unreachableSince: number | undefined;
  let lastLineAt = 0;
  let unlogged = 0;

  function report(source: string, err: Error): void {
    const now = Date.now();
    if (unreachableSince === undefined) {
      unreachableSince = lastLineAt = now;
      unlogged = 0;
      logger.warn({ source, err }, 'redis unreachable; connections retry in the background');
    } else if (now - lastLineAt >= intervalMs) {
      logger.warn({ source, err, errors: unlogged + 1, downForMs: now - unreachableSince }, 'redis still unreachable');
      lastLineAt = now;
      unlogged = 0;
    } else {
      unlogged++;
    }
  }

  function reachable(): void {
    if (unreachableSince === undefined) return;
    logger.info({ downForMs: Date.now() - unreachableSince }, 'redis reachable again');
    unreachableSince = undefined;
  }

  return {
    report,
    /** Routes `source`'s errors here; `ready` (ioredis connections) ends an outage. */
    watch(connection: RedisErrorSource & { on(event: 'ready', listener: () => void): unknown }, source: string): void {
      connection.on('error', (err) => report(source, err));
      connection.on('ready', reachable);
    },
    watchErrors(emitter: RedisErrorSource, source: string): void {
      emitter.on('error', (err) => report(source, err));
    },
  };
}

export type RedisErrorLog = ReturnType<typeof createRedisErrorLog>;
