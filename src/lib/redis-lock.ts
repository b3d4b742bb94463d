import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

// Delete or extend the key only if it still holds our token: a lock that expired and was taken by
// another process must not be released or extended by the old holder.
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;
const EXTEND = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;

export interface HeldLock {
  /** False once the lock was lost (expired and not renewed in time). */
  readonly held: boolean;
  release(): Promise<void>;
}

/**
 * A single-instance Redis lock with a TTL, renewed while held. A holder killed with -9 stops
 * renewing, so the lock frees itself after `ttlMs` and another process takes over.
 */
export async function tryLock(redis: Redis, key: string, ttlMs: number): Promise<HeldLock | undefined> {
  const token = randomUUID();
  const ok = await redis.set(key, token, 'PX', ttlMs, 'NX');
  if (ok !== 'OK') return undefined;
  let held = true;
  const renew = setInterval(
    () => {
      redis.eval(EXTEND, 1, key, token, String(ttlMs)).then(
        (r) => {
          if (r !== 1) held = false;
        },
        () => {
          // A failed renewal is retried on the next tick; the TTL covers two more attempts.
        },
      );
    },
    Math.max(50, Math.floor(ttlMs / 3)),
  );
  renew.unref();
  return {
    get held() {
      return held;
    },
    async release() {
      clearInterval(renew);
      if (held) await redis.eval(RELEASE, 1, key, token);
      held = false;
    },
  };
}
