import { randomBytes } from 'node:crypto';
import test from 'ava';
import { Redis } from 'ioredis';
import { competeForLease, currentFence } from '../../../src/channels/wecom-aibot/connection-lease.ts';
import { deleteRedisPrefix, eventually, REDIS_URL } from '../../support/wecom-service.ts';

const LEASE = { ttlMs: 3000, pollMs: 100 };

function competitor(redis: Redis, name: string, log: string[]) {
  return competeForLease(redis, 'default', LEASE, {
    acquired: (fence) => log.push(`${name} acquired ${fence}`),
    lost: (fence) => log.push(`${name} lost ${fence}`),
    error: (err) => log.push(`${name} error ${String(err)}`),
  });
}

test('one of two processes holds the lease; a drain hands it over at once, under a greater fence', async (t) => {
  const prefix = `aibotlease${randomBytes(4).toString('hex')}`;
  const redis = new Redis(REDIS_URL, { keyPrefix: `${prefix}:` });
  const log: string[] = [];
  const stopFirst = competitor(redis, 'first', log);
  await eventually(async () => log.includes('first acquired 1'), 30_000, 'the first to hold it');
  const stopSecond = competitor(redis, 'second', log);
  t.teardown(async () => {
    await stopSecond();
    redis.disconnect();
    await deleteRedisPrefix(prefix);
  });
  // Well past a renewal period: the holder keeps it and the standby never takes it.
  await new Promise((r) => setTimeout(r, LEASE.ttlMs + 500));
  t.deepEqual(log, ['first acquired 1']);
  t.is(await currentFence(redis, 'default'), 1);

  const drained = Date.now();
  await stopFirst();
  await eventually(async () => log.includes('second acquired 2'), 30_000, 'the hand-over');
  t.true(Date.now() - drained < LEASE.ttlMs, 'taken without waiting for the TTL');
  t.deepEqual(log, ['first acquired 1', 'first lost 1', 'second acquired 2']);
  t.is(await currentFence(redis, 'default'), 2);
});

test('a holder whose lease was taken from it (it expired while the holder was away) learns it and stops', async (t) => {
  const prefix = `aibotlease${randomBytes(4).toString('hex')}`;
  const redis = new Redis(REDIS_URL, { keyPrefix: `${prefix}:` });
  const log: string[] = [];
  const stop = competitor(redis, 'holder', log);
  t.teardown(async () => {
    await stop();
    redis.disconnect();
    await deleteRedisPrefix(prefix);
  });
  await eventually(async () => log.includes('holder acquired 1'), 30_000, 'the holder');
  // Another process took it meanwhile (as after an expiry): the holder's next renewal fails.
  await redis.set('wecom-aibot:lease:default', '7', 'PX', 60_000);
  await eventually(async () => log.includes('holder lost 1'), 30_000, 'the loss noticed');
  t.is(await currentFence(redis, 'default'), 7, 'the other holder keeps it');
});
