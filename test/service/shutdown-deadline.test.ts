import test from 'ava';
import { loadConfig } from '../../src/config/env.ts';
import { DedicatedRedis } from '../faults/support/redis-server.ts';
import { createTestDatabase } from '../support/databases.ts';
import { startRole } from '../support/processes.ts';

const SHUTDOWN_TIMEOUT_MS = 3000;
/** Node's own exit and the log flush; far below the old behaviour (never). */
const MARGIN_MS = 3000;

const lines = (out: string, msg: string) => out.split('\n').filter((l) => l.includes(`"msg":"${msg}`)).length;

test('SIGTERM while Redis is unreachable: the process exits within SHUTDOWN_TIMEOUT_MS, saying why, and logs Redis errors sparingly', async (t) => {
  t.timeout(120_000);
  const redis = new DedicatedRedis(false);
  await redis.start();
  const database = await createTestDatabase('postgres');
  t.teardown(async () => {
    await redis.close();
    await database.drop();
  });
  const service = await startRole(
    'all',
    {
      REDIS_URL: redis.url,
      REDIS_PREFIX: 'shutdown-deadline',
      DATABASE_URL: database.url,
      DATA_DIR: database.dataDir,
      SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
    },
    60_000,
  );
  t.teardown(() => service.child.kill('SIGKILL'));

  await redis.kill();
  // Every connection reconnects in the background meanwhile: the old code logged each attempt.
  await new Promise((r) => setTimeout(r, 4000));
  const sigterm = Date.now();
  service.child.kill('SIGTERM');
  const exit = await Promise.race([
    service.exited,
    new Promise((r) => setTimeout(() => r('still running'), SHUTDOWN_TIMEOUT_MS + MARGIN_MS)),
  ]);
  const tookMs = Date.now() - sigterm;

  t.not(exit, 'still running', `still running ${tookMs} ms after SIGTERM`);
  t.true(tookMs < SHUTDOWN_TIMEOUT_MS + MARGIN_MS);
  t.is(lines(service.output(), 'shutdown deadline passed'), 1, service.output().slice(-3000));
  const redisErrorLines = service
    .output()
    .split('\n')
    .filter((l) => /redis|queue connection|worker error/i.test(l) && /"level":(40|50)/.test(l));
  t.true(
    redisErrorLines.length <= 3,
    `${redisErrorLines.length} Redis error lines in ~${(tookMs + 4000) / 1000} s:\n${redisErrorLines.slice(0, 5).join('\n')}`,
  );
});

test('SHUTDOWN_GRACE_MS, the old name, still sets the deadline; SHUTDOWN_TIMEOUT_MS wins when both are set', (t) => {
  t.is(loadConfig({ SHUTDOWN_GRACE_MS: '5000' }).env.SHUTDOWN_TIMEOUT_MS, 5000);
  t.is(loadConfig({ SHUTDOWN_GRACE_MS: '5000', SHUTDOWN_TIMEOUT_MS: '7000' }).env.SHUTDOWN_TIMEOUT_MS, 7000);
  t.is(loadConfig({}).env.SHUTDOWN_TIMEOUT_MS, 20_000);
});
