import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { Redis } from 'ioredis';
import { ensurePrivateRedis, redisAnswers } from '../../src/lib/private-redis.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { startRole } from '../support/processes.ts';
import { createTestDatabase } from '../support/databases.ts';

test('when nothing answers at the default Redis address, a private redis-server starts under DATA_DIR', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kefu-redis-'));
  const nobody = 'redis://127.0.0.1:1'; // nothing listens on port 1
  t.false(await redisAnswers(nobody));
  const started = await ensurePrivateRedis(dataDir, nobody, createLogger('silent'));
  t.teardown(() => {
    started.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });
  t.not(started.url, nobody);
  const redis = new Redis(started.url);
  t.teardown(() => redis.disconnect());
  t.is(((await redis.config('GET', 'dir')) as string[])[1], join(dataDir, 'redis'));
  t.is(((await redis.config('GET', 'appendonly')) as string[])[1], 'yes');
});

test('split roles without DATABASE_URL refuse to start, with one line saying why', async (t) => {
  const db = await createTestDatabase('pglite');
  t.teardown(() => db.drop());
  const err = await t.throwsAsync(startRole('worker', { DATABASE_URL: '', DATA_DIR: db.dataDir }));
  t.regex(err!.message, /exited \(1\)/);
  t.regex(err!.message, /kefu-hub: cannot start: DATABASE_URL: the worker role runs apart/);
});
