import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Redis } from 'ioredis';
import { ConfigError } from '../errors.ts';
import type { Logger } from '../observability/logger.ts';
import { sleep } from './backoff.ts';

/**
 * Whether a Redis answers PING at `url`. A refused connection fails at once whatever the timeout;
 * the timeout only bounds a host that does not answer. It is generous because it is measured on
 * this process's event loop: a process busy starting up (PGlite opening its database on the main
 * thread) once took 500 ms to hear a local Redis that was there, and refused to start.
 */
export async function redisAnswers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: 3000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * For the embedded defaults (REDIS_URL unset): when nothing answers at the default address, start
 * a private redis-server with its data under DATA_DIR/redis, so `npm start` works on a machine
 * where Redis is installed but not running. AOF with fsync every second keeps queued jobs across
 * restarts. Returns the URL to use and a stop function.
 */
export async function ensurePrivateRedis(dataDir: string, defaultUrl: string, logger: Logger): Promise<{ url: string; stop: () => void }> {
  if (await redisAnswers(defaultUrl)) return { url: defaultUrl, stop: () => {} };
  if (spawnSync('redis-server', ['--version']).error) {
    throw new ConfigError(
      `REDIS_URL: nothing answers at ${defaultUrl} and redis-server is not installed. Install it (Debian/Ubuntu: sudo apt-get install -y redis-server) or set REDIS_URL.`,
    );
  }
  const dir = resolve(dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = 6390 + Math.floor(Math.random() * 500);
  const child = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--appendfsync',
      'everysec',
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
    ],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    if (await redisAnswers(url)) {
      logger.info({ url, dir }, 'started a private redis-server (REDIS_URL is unset and nothing answered at the default)');
      return { url, stop: () => child.kill('SIGTERM') };
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new ConfigError(`REDIS_URL: could not start a private redis-server under ${dir}`);
}
