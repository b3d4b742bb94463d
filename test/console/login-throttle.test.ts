import test from 'ava';
import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { createLoginThrottle, FAILURES_BEFORE_LOCK, LOGIN_ATTEMPTS_PER_IP } from '../../src/staff/login-throttle.ts';
import { call, PASSWORD, rowsOf, seedUser, startConsoleApp } from '../support/console-api.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { deleteRedisPrefix, REDIS_URL } from '../support/wecom-service.ts';

const attempt = (baseUrl: string, email: string, password: string, ip = '203.0.113.7') =>
  call(baseUrl, 'POST', '/api/auth/login', { body: { email, password }, headers: { 'x-forwarded-for': ip } });

/**
 * The address limit counts in fixed one-minute windows (src/lib/rate-limit.ts): attempts that
 * straddle a minute's end are counted in two windows. Waits, when needed, until the current
 * window has `ms` left, so all of a test's attempts fall in one.
 */
async function windowWithRoomFor(ms: number): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < ms) await new Promise((resolve) => setTimeout(resolve, left + 50));
}

for (const kind of DATABASE_KINDS) {
  test(`${kind}: after ${FAILURES_BEFORE_LOCK} wrong passwords the email is locked, even for the right password`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    await seedUser(app.database, 'a@example.com', 'agent');
    for (let i = 0; i < FAILURES_BEFORE_LOCK; i++) t.is((await attempt(app.baseUrl, 'a@example.com', `wrong password ${i}`)).status, 401);
    const locked = await attempt(app.baseUrl, 'A@example.com', PASSWORD, '203.0.113.8');
    t.is(locked.status, 429);
    t.like(await locked.json(), { error: 'login_locked' });
    const retryAfter = Number(locked.headers.get('retry-after'));
    t.true(retryAfter > 0 && retryAfter <= 30, `Retry-After ${retryAfter}`);
  });

  test(`${kind}: an email nobody has is locked exactly like a real one, so locks reveal no accounts`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    await seedUser(app.database, 'real@example.com', 'agent');
    const answers = async (email: string) => {
      const statuses: number[] = [];
      for (let i = 0; i <= FAILURES_BEFORE_LOCK; i++)
        statuses.push((await attempt(app.baseUrl, email, 'wrong password', `198.51.100.${i}`)).status);
      return statuses;
    };
    const real = await answers('real@example.com');
    t.deepEqual(await answers('nobody@example.com'), real);
    t.deepEqual(real, [401, 401, 401, 401, 401, 429]);
  });

  test(`${kind}: one address may try ${LOGIN_ATTEMPTS_PER_IP} logins a minute, whatever the emails`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    await windowWithRoomFor(15_000);
    // All at once, one more than allowed: attempts are counted as they arrive, and each failed one
    // then checks a password hash, which on a loaded machine can outlast what is left of the minute.
    const responses = await Promise.all(
      Array.from({ length: LOGIN_ATTEMPTS_PER_IP + 1 }, (_, i) => attempt(app.baseUrl, `u${i}@example.com`, 'wrong password')),
    );
    t.deepEqual(
      responses.map((r) => r.status).sort((a, b) => a - b),
      [...Array(LOGIN_ATTEMPTS_PER_IP).fill(401), 429],
    );
    const limited = responses.find((r) => r.status === 429)!;
    t.like(await limited.json(), { error: 'rate_limited' });
    t.is(
      (await attempt(app.baseUrl, 'another@example.com', 'wrong password', '203.0.113.99')).status,
      401,
      'other addresses are not limited',
    );
  });

  test(`${kind}: failed logins are audited with the reason, never the password`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    const user = await seedUser(app.database, 'a@example.com', 'agent');
    await seedUser(app.database, 'off@example.com', 'agent');
    await app.database.execute(`update staff_users set disabled = true where email = 'off@example.com'`);
    await attempt(app.baseUrl, 'a@example.com', 'the secret guess 1');
    await attempt(app.baseUrl, 'ghost@example.com', 'the secret guess 2');
    await attempt(app.baseUrl, 'off@example.com', PASSWORD);
    const rows = await rowsOf<{ actor_id: number | null; object_id: string | null; source_ip: string; details: Record<string, unknown> }>(
      app.database,
      `select actor_id, object_id, source_ip, details from audit_log where action = 'auth.login_failed' order by id`,
    );
    t.deepEqual(
      rows.map((r) => [r.actor_id, r.object_id, r.source_ip, r.details.email, r.details.reason]),
      [
        [null, String(user.id), '203.0.113.7', 'a@example.com', 'wrong_password'],
        [null, null, '203.0.113.7', 'ghost@example.com', 'unknown_email'],
        [null, rows[2]!.object_id, '203.0.113.7', 'off@example.com', 'disabled'],
      ],
    );
    t.false(JSON.stringify(rows).includes('secret guess'));
    t.false(JSON.stringify(rows).includes(PASSWORD));
  });
}

test('each failure past the lock threshold doubles the lock, up to 15 minutes; a success forgets them', async (t) => {
  const prefix = `t${randomBytes(5).toString('hex')}`;
  const redis = new Redis(REDIS_URL, { keyPrefix: `${prefix}:` });
  t.teardown(async () => {
    redis.disconnect();
    await deleteRedisPrefix(prefix);
  });
  const throttle = createLoginThrottle(redis);
  const locks: number[] = [];
  for (let i = 0; i < FAILURES_BEFORE_LOCK + 7; i++) locks.push(await throttle.failed('a@example.com'));
  t.deepEqual(locks, [0, 0, 0, 0, 30_000, 60_000, 120_000, 240_000, 480_000, 900_000, 900_000, 900_000]);
  await redis.del('login:lock:' + (await redis.keys(`${prefix}:login:lock:*`))[0]!.split(':lock:')[1]);
  await throttle.succeeded('a@example.com');
  t.is(await throttle.failed('a@example.com'), 0, 'counting starts again');
});

test('without Redis, logins are refused as unavailable rather than let through unthrottled', async (t) => {
  const unreachable = new Redis('redis://127.0.0.1:1', {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  unreachable.on('error', () => {});
  t.teardown(() => unreachable.disconnect());
  const throttle = createLoginThrottle(unreachable);
  const err = await t.throwsAsync(throttle.check('203.0.113.1', 'a@example.com'));
  t.is(err?.name, 'UnavailableError');
  t.is((err as { status?: number }).status, 503);
});
