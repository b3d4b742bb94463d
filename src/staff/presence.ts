import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.ts';
import { type Presence, publishPresence } from './presence-events.ts';

/**
 * Presence comes from the console's connection (issue 13): a staff member is online while at least
 * one of their event streams is open on any API process, away when their console said so
 * (PUT /api/me/presence, e.g. the tab idle), offline with no stream. Each open stream is a member
 * of a sorted set per user, scored with the time it lapses; the stream's heartbeat moves that time
 * forward. A process killed without closing its streams leaves entries that lapse by themselves,
 * so its users read offline within `streamTtlMs`.
 */
export interface PresenceStore {
  streamOpened(userId: number, streamId: string): Promise<void>;
  streamAlive(userId: number, streamId: string): Promise<void>;
  streamClosed(userId: number, streamId: string): Promise<void>;
  /** Sets or clears the user's "away"; answers their presence after it. */
  setAway(userId: number, away: boolean): Promise<Presence>;
  presenceOf(userIds: number[]): Promise<Map<number, Presence>>;
}

/** Keys under the commands connection's prefix (keyPrefix applies). */
const streamsKey = (userId: number) => `presence:streams:${userId}`;
const awayKey = (userId: number) => `presence:away:${userId}`;
/** "Away" is forgotten after a day without the console saying it again. */
const AWAY_TTL_S = 86_400;

export function redisPresence(deps: { redis: Redis; redisPrefix: string; logger: Logger; streamTtlMs: number }): PresenceStore {
  const { redis } = deps;

  async function presenceOf(userIds: number[]): Promise<Map<number, Presence>> {
    const now = Date.now();
    const pipeline = redis.pipeline();
    for (const id of userIds) pipeline.zcount(streamsKey(id), now, '+inf').exists(awayKey(id));
    const replies = (await pipeline.exec()) ?? [];
    const result = new Map<number, Presence>();
    userIds.forEach((id, i) => {
      const [streamsErr, streams] = replies[2 * i]!;
      const [awayErr, away] = replies[2 * i + 1]!;
      if (streamsErr || awayErr) throw streamsErr ?? awayErr;
      result.set(id, Number(streams) === 0 ? 'offline' : Number(away) === 1 ? 'away' : 'online');
    });
    return result;
  }

  const presenceOfOne = async (userId: number) => (await presenceOf([userId])).get(userId)!;

  /** Runs `change`, then publishes the user's presence if it is not what it was. */
  async function announcing(userId: number, change: () => Promise<unknown>): Promise<Presence> {
    const before = await presenceOfOne(userId);
    await change();
    const after = await presenceOfOne(userId);
    if (after !== before) publishPresence(redis, deps.redisPrefix, deps.logger, { userId, presence: after });
    return after;
  }

  const refresh = (userId: number, streamId: string) => {
    const now = Date.now();
    return redis
      .multi()
      .zremrangebyscore(streamsKey(userId), '-inf', now)
      .zadd(streamsKey(userId), now + deps.streamTtlMs, streamId)
      .pexpire(streamsKey(userId), deps.streamTtlMs)
      .exec();
  };

  return {
    presenceOf,
    streamOpened: async (userId, streamId) => void (await announcing(userId, () => refresh(userId, streamId))),
    streamAlive: async (userId, streamId) => void (await announcing(userId, () => refresh(userId, streamId))),
    streamClosed: async (userId, streamId) => void (await announcing(userId, () => redis.zrem(streamsKey(userId), streamId))),
    setAway: (userId, away) =>
      announcing(userId, () => (away ? redis.set(awayKey(userId), '1', 'EX', AWAY_TTL_S) : redis.del(awayKey(userId)))),
  };
}
