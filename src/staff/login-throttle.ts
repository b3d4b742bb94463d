import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { AppError, RateLimitedError, UnavailableError } from '../errors.ts';
import { hitRateLimit } from '../lib/rate-limit.ts';

/**
 * Login attempts are limited twice, in Redis so every API process counts together:
 * - per source address: LOGIN_ATTEMPTS_PER_IP a minute, right or wrong (password checks cost CPU);
 * - per email: after FAILURES_BEFORE_LOCK failures in a row the email is locked for 30 s, doubling
 *   with each further failure up to 15 minutes (exponential back-off). A success clears the count.
 * The email is counted whether or not an account has it, so a lock says nothing about which emails
 * exist. Anyone can lock an email out this way for up to 15 minutes at a time: the accepted price of
 * making password guessing slow (OWASP Authentication Cheat Sheet, "Account Lockout").
 */
export const LOGIN_ATTEMPTS_PER_IP = 20;
export const FAILURES_BEFORE_LOCK = 5;
const FIRST_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60_000;
/** A run of failures is forgotten after a day without one. */
const FAILURE_MEMORY_MS = 24 * 3600_000;

// Count the failure and set the lock in one step: concurrent failures cannot both miss the lock.
const FAIL = `
local n = redis.call('incr', KEYS[1])
redis.call('pexpire', KEYS[1], ARGV[1])
local threshold = tonumber(ARGV[2])
if n >= threshold then
  local lock = math.min(tonumber(ARGV[3]) * 2 ^ (n - threshold), tonumber(ARGV[4]))
  redis.call('set', KEYS[2], '1', 'PX', math.floor(lock))
  return math.floor(lock)
end
return 0`;

export interface LoginThrottle {
  /** Throws 429 (with Retry-After) when this address or this email must wait. */
  check(ip: string, email: string): Promise<void>;
  /** Counts a failure; returns the lock it started, in ms (0 = none yet). */
  failed(email: string): Promise<number>;
  succeeded(email: string): Promise<void>;
}

/**
 * Without Redis nobody can log in (503): letting logins through unthrottled would hand a password
 * guesser exactly the outage they need.
 */
function failClosed<A extends unknown[], R>(fn: (...args: A) => Promise<R>): (...args: A) => Promise<R> {
  return (...args) =>
    fn(...args).catch((err: unknown) => {
      if (err instanceof AppError) throw err;
      throw new UnavailableError('logins are paused: their throttle (Redis) is unreachable', { cause: err });
    });
}

export function createLoginThrottle(redis: Redis): LoginThrottle {
  // Hashed: the keys should not be a list of the emails people tried.
  const emailKey = (email: string) => createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 32);
  const failures = (email: string) => `login:failures:${emailKey(email)}`;
  const lock = (email: string) => `login:lock:${emailKey(email)}`;
  const throttle: LoginThrottle = {
    async check(ip, email) {
      const perIp = await hitRateLimit(redis, `login:ip:${ip}`, LOGIN_ATTEMPTS_PER_IP, 60_000);
      if (!perIp.allowed) {
        throw new RateLimitedError(
          `too many login attempts from this address; try again in ${perIp.retryAfterSeconds} s`,
          perIp.retryAfterSeconds,
        );
      }
      const lockedMs = await redis.pttl(lock(email));
      if (lockedMs > 0) {
        const seconds = Math.ceil(lockedMs / 1000);
        throw new RateLimitedError(`too many failed logins for this email; try again in ${seconds} s`, seconds, 'login_locked');
      }
    },
    async failed(email) {
      return (await redis.eval(
        FAIL,
        2,
        failures(email),
        lock(email),
        String(FAILURE_MEMORY_MS),
        String(FAILURES_BEFORE_LOCK),
        String(FIRST_LOCK_MS),
        String(MAX_LOCK_MS),
      )) as number;
    },
    async succeeded(email) {
      await redis.del(failures(email));
    },
  };
  return { check: failClosed(throttle.check), failed: failClosed(throttle.failed), succeeded: failClosed(throttle.succeeded) };
}
