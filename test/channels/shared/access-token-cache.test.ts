import test from 'ava';
import { Redis } from 'ioredis';
import { AccessTokenCache } from '../../../src/lib/access-token-cache.ts';
import { REDIS_URL } from '../../support/wecom-service.ts';

test('a token rejected while a read of it is under way is not remembered by that read: the next get fetches a new one', async (t) => {
  const redis = new Redis(REDIS_URL);
  const key = `test:token:${Math.random().toString(36).slice(2, 10)}`;
  t.teardown(async () => {
    await redis.del(key, `${key}:refresh-lock`);
    redis.disconnect();
  });
  let fetches = 0;
  const cache = new AccessTokenCache({
    redis,
    key,
    rememberMs: 60_000,
    fetchToken: async () => ({ token: `fresh-${++fetches}`, expiresInSeconds: 7200 }),
  });
  await redis.set(key, 'stale', 'EX', 600);

  // The read's GET reaches Redis before the rejection's delete (one connection answers in order),
  // and its answer, the stale token, arrives after invalidate() began.
  const reading = cache.get();
  const invalidating = cache.invalidate('stale');
  t.is(await reading, 'stale');
  await invalidating;

  t.is(await cache.get(), 'fresh-1', 'the rejected token was not used again');
  t.is(fetches, 1);
  t.is(await cache.get(), 'fresh-1', 'the fresh token is remembered');
  t.is(fetches, 1);
});
