import type { Redis } from 'ioredis';

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

// INCR and set the expiry in one step, so a crash between the two cannot leave a counter that never expires.
const HIT = `local n = redis.call('incr', KEYS[1]) if n == 1 then redis.call('pexpire', KEYS[1], ARGV[1]) end return {n, redis.call('pttl', KEYS[1])}`;

/**
 * A fixed-window counter in Redis, shared by every API process: at most `limit` hits per
 * `windowMs` for one key. Fixed windows allow a burst of 2×limit across a window edge, an accepted
 * trade for one round trip per request.
 */
export async function hitRateLimit(redis: Redis, key: string, limit: number, windowMs: number): Promise<RateDecision> {
  const windowStart = Math.floor(Date.now() / windowMs);
  const [count, ttlMs] = (await redis.eval(HIT, 1, `ratelimit:${key}:${windowStart}`, String(windowMs))) as [number, number];
  if (count <= limit) return { allowed: true };
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((ttlMs > 0 ? ttlMs : windowMs) / 1000)) };
}
