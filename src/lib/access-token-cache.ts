import type { Redis } from 'ioredis';
import { sleep } from './backoff.ts';
import { tryLock } from './redis-lock.ts';

export interface FetchedToken {
  token: string;
  expiresInSeconds: number;
}

export interface AccessTokenCacheOptions {
  redis: Redis;
  /** Redis key of the cached token, one per platform credential (e.g. wecom:token:<corp>:<agent>). */
  key: string;
  /** Calls the platform. Only one process at a time does, under a Redis lock. */
  fetchToken: () => Promise<FetchedToken>;
  onFetched?: () => void;
  /** Refresh this long before the platform's expiry, so no request carries an expiring token. */
  earlyRefreshSeconds?: number;
  lockTtlMs?: number;
  waitTimeoutMs?: number;
  /**
   * How long this process uses the token it last read from Redis without reading it again (never
   * past its expiry there); 0, the default, reads it for every request. Reading it was one Redis
   * round trip per reply. Only for a platform whose refresh does not revoke the token other
   * processes hold: one they replaced is then used here until the platform rejects it, which drops
   * it here too and asks Redis again (callWithFreshTokenRetry), one extra request per process.
   */
  rememberMs?: number;
}

// Delete the cached token only if it is still the one the caller saw rejected: twenty requests
// failing on one stale token must cause one refresh, not twenty.
const DELETE_IF_EQUAL = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

/**
 * Platform access tokens (WeCom gettoken, WeChat stable_token) are rate limited and shared by every
 * process of one credential: cached in Redis until shortly before expiry, fetched by exactly one
 * process at a time while the others wait for its result.
 */
export class AccessTokenCache {
  private readonly lockKey: string;
  /** The token last read or fetched, and until when (ms epoch) it is used without asking Redis. */
  private remembered?: { token: string; until: number };
  /**
   * The token last rejected here. A read sent before the rejection may answer after it, with that
   * very token: it must not be remembered again, or the retry would carry it once more.
   */
  private rejected?: string;

  constructor(private readonly options: AccessTokenCacheOptions) {
    this.lockKey = `${options.key}:refresh-lock`;
  }

  async get(): Promise<string> {
    const remembered = this.remembered;
    if (remembered && Date.now() < remembered.until) return remembered.token;
    const { redis, key } = this.options;
    const deadline = Date.now() + (this.options.waitTimeoutMs ?? 15_000);
    for (;;) {
      const cached = await this.read();
      if (cached) return cached;
      const lock = await tryLock(redis, this.lockKey, this.options.lockTtlMs ?? 10_000);
      if (lock) {
        try {
          // Another process may have refreshed between our read and our lock.
          const again = await this.read();
          if (again) return again;
          const fetched = await this.options.fetchToken();
          this.options.onFetched?.();
          const ttl = Math.max(1, fetched.expiresInSeconds - (this.options.earlyRefreshSeconds ?? 300));
          await redis.set(key, fetched.token, 'EX', ttl);
          this.remember(fetched.token, ttl * 1000);
          return fetched.token;
        } finally {
          await lock.release();
        }
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for another process to refresh ${key}`);
      await sleep(50);
    }
  }

  /** The platform rejected `token` as expired or invalid: drop it unless it was already replaced. */
  async invalidate(token: string): Promise<void> {
    this.rejected = token;
    if (this.remembered?.token === token) this.remembered = undefined;
    await this.options.redis.eval(DELETE_IF_EQUAL, 1, this.options.key, token);
  }

  /** The token in Redis, remembered with its expiry there; undefined when there is none. */
  private async read(): Promise<string | undefined> {
    const { redis, key } = this.options;
    // Both in one round trip (in one write on an auto-pipelined connection).
    const [token, ttlMs] = await Promise.all([redis.get(key), redis.pttl(key)]);
    if (!token) return undefined;
    // A key with no expiry (-1) or gone since the GET (-2) is used once and not remembered.
    if (ttlMs > 0) this.remember(token, ttlMs);
    return token;
  }

  private remember(token: string, ttlMs: number): void {
    const rememberMs = this.options.rememberMs ?? 0;
    if (rememberMs > 0 && token !== this.rejected) this.remembered = { token, until: Date.now() + Math.min(ttlMs, rememberMs) };
  }
}

export interface FreshTokenRetry<T> {
  /** The current token (from the cache). */
  token: () => Promise<string>;
  /** One request with `token`, resolving with the platform's answer. */
  call: (token: string) => Promise<T>;
  /** Whether the answer says the token is expired or invalid. */
  rejected: (answer: T) => boolean;
  /** Drops the rejected token, so that `token` fetches a new one. */
  drop: (token: string) => Promise<void>;
}

/**
 * "Retry once with a fresh token", the one way every platform client does it: a token the
 * platform rejects (revoked, or expired before the cache said) is dropped and the request made
 * once more with a new one. The second answer is final, whatever it is: a token rejected twice in
 * a row means a wrong credential, and asking again would only spend the platform's token quota.
 */
export async function callWithFreshTokenRetry<T>(retry: FreshTokenRetry<T>): Promise<T> {
  const token = await retry.token();
  const answer = await retry.call(token);
  if (!retry.rejected(answer)) return answer;
  await retry.drop(token);
  return retry.call(await retry.token());
}
