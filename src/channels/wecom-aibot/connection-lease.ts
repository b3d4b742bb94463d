import type { Redis } from 'ioredis';

/**
 * Which kefu-hub process holds a bot's long connection. WeCom allows one connection per bot and a
 * new one kicks the old (doc 101463, disconnected_event), so two processes connecting would kick
 * each other for ever: a Redis lease decides. Taking it increments a fencing token; a holder renews
 * it every third of its TTL and counts itself the holder only while renewals succeed, so a holder
 * that is paused or cut off from Redis stops before another can have taken over. A process killed
 * with -9 stops renewing: the lease frees itself after the TTL and a standby takes it.
 */

const ACQUIRE = `
if redis.call('exists', KEYS[1]) == 1 then return 0 end
local fence = redis.call('incr', KEYS[2])
redis.call('set', KEYS[1], fence, 'PX', ARGV[1])
return fence`;
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface LeaseOptions {
  ttlMs: number;
  /** How often a standby tries to take the lease. */
  pollMs: number;
}

export interface LeaseEvents {
  /** This process holds the lease under `fence` (greater than any fence before it). */
  acquired(fence: number): void;
  /** The lease is lost or given up: stop using what it guarded, now. */
  lost(fence: number): void;
  error(err: unknown): void;
}

export function leaseKeys(accountName: string) {
  return { lease: `wecom-aibot:lease:${accountName}`, fence: `wecom-aibot:lease-fence:${accountName}` };
}

/** The fence of the current holder, or undefined when nobody holds the lease. */
export async function currentFence(redis: Redis, accountName: string): Promise<number | undefined> {
  const value = await redis.get(leaseKeys(accountName).lease);
  return value === null ? undefined : Number(value);
}

/** Competes for the lease until stopped; `stop` gives it up (a drain hands the connection over at once). */
export function competeForLease(redis: Redis, accountName: string, options: LeaseOptions, events: LeaseEvents): () => Promise<void> {
  const keys = leaseKeys(accountName);
  let fence: number | undefined;
  let confirmedAt = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const lose = () => {
    if (fence === undefined) return;
    const lostFence = fence;
    fence = undefined;
    events.lost(lostFence);
  };

  const tick = async () => {
    try {
      if (fence === undefined) {
        const taken = Number(await redis.eval(ACQUIRE, 2, keys.lease, keys.fence, String(options.ttlMs)));
        // Stopped while taking it: give it straight back rather than leave it to expire.
        if (taken > 0 && stopped) await redis.eval(RELEASE, 1, keys.lease, String(taken));
        else if (taken > 0) {
          fence = taken;
          confirmedAt = Date.now();
          events.acquired(taken);
        }
      } else {
        const renewed = await redis.eval(RENEW, 1, keys.lease, String(fence), String(options.ttlMs));
        if (renewed === 1) confirmedAt = Date.now();
        else lose();
      }
    } catch (err) {
      events.error(err);
    }
    // Renewals failing (Redis away) for most of the TTL: another process may soon take over.
    if (fence !== undefined && Date.now() - confirmedAt > (options.ttlMs * 2) / 3) lose();
    if (!stopped) timer = setTimeout(tick, fence === undefined ? options.pollMs : Math.floor(options.ttlMs / 3));
  };
  void tick();

  return async () => {
    stopped = true;
    clearTimeout(timer);
    const held = fence;
    lose();
    if (held !== undefined) await redis.eval(RELEASE, 1, keys.lease, String(held)).catch((err) => events.error(err));
  };
}
