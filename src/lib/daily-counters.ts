import type { Redis } from 'ioredis';

/**
 * Counters per UTC day in Redis, shared by every process: `<key>:<YYYY-MM-DD>`, each expiring two
 * days after it was last added to, so yesterday's count is gone without a sweep.
 */
const KEEP_SECONDS = 2 * 24 * 3600;

const today = (key: string, nowMs: number) => `${key}:${new Date(nowMs).toISOString().slice(0, 10)}`;

/** Today's count of each key (0 for a key not added to today). */
export async function readDailyCounters(redis: Redis, keys: string[], nowMs = Date.now()): Promise<number[]> {
  const values = await redis.mget(...keys.map((key) => today(key, nowMs)));
  return values.map((v) => Number(v ?? 0));
}

/** Adds `amount` to today's count of each key, in one round trip. */
export async function addToDailyCounters(redis: Redis, keys: string[], amount: number, nowMs = Date.now()): Promise<void> {
  const tx = redis.multi();
  for (const key of keys) tx.incrby(today(key, nowMs), amount).expire(today(key, nowMs), KEEP_SECONDS);
  await tx.exec();
}
