import { randomBytes } from 'node:crypto';
import test from 'ava';
import { Redis } from 'ioredis';
import { runKb } from '../support/kb-cli.ts';
import { tempDir, writeFixture } from '../support/kb-fixtures.ts';
import { deleteRedisPrefix, REDIS_URL, startHarness } from '../support/wecom-service.ts';

test('two services on two databases sharing one Redis and REDIS_PREFIX see neither each other’s jobs nor kb changes', async (t) => {
  t.timeout(90_000);
  const shared = `shared${randomBytes(4).toString('hex')}`;
  t.teardown(() => deleteRedisPrefix(shared));
  // A takes messages but runs no worker: its job waits in Redis. B is the other database's worker.
  const a = await startHarness({ database: 'postgres', role: 'api', env: { REDIS_PREFIX: shared, COALESCE_WINDOW_MS: '0' } });
  t.teardown(() => a.close());
  const b = await startHarness({ database: 'postgres', role: 'worker', env: { REDIS_PREFIX: shared, COALESCE_WINDOW_MS: '0' } });
  t.teardown(() => b.close());
  t.not(a.service.redisPrefix, b.service.redisPrefix);

  t.is((await a.sendText('zhangsan', '在吗')).status, 200);
  // Long enough for the job to be queued, and for B's worker to have taken a job of its queue many times over.
  await new Promise((r) => setTimeout(r, 2_000));
  const counts = await a.queue().getJobCounts('waiting', 'delayed', 'active', 'failed', 'completed');
  t.is((counts.waiting ?? 0) + (counts.delayed ?? 0), 1, `A's job is still A's, untouched: ${JSON.stringify(counts)}`);
  t.is(b.wecom.sendRequests, 0);

  // kb changes on A's database are announced to A's services only: B (a worker with a brain) hears nothing.
  const subscriber = new Redis(REDIS_URL);
  t.teardown(() => subscriber.disconnect());
  const [, bListeners] = (await subscriber.pubsub('NUMSUB', `${b.service.redisPrefix}:kb-changed`)) as [string, number];
  t.is(Number(bListeners), 1, 'B listens on the feed of its own database');
  const dir = tempDir();
  writeFixture(dir, 'hours.md', '# 营业时间\n\n每天10:00至22:00。\n');
  const imported = await runKb(['import', `${dir}/hours.md`], {
    DATABASE_URL: a.db.url,
    DATA_DIR: a.db.dataDir,
    REDIS_URL,
    REDIS_PREFIX: shared,
    LOG_LEVEL: 'silent',
  });
  t.is(imported.code, 0, imported.stderr);
  t.regex(imported.stdout, /announced the change of "default" to 0 running processes/);
});
