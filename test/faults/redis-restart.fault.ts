import test from 'ava';
import { Cluster } from './support/cluster.ts';
import { DedicatedRedis } from './support/redis-server.ts';
import { FAULT_AT_S, runScenario } from './support/scenario.ts';

for (const aof of [false, true]) {
  const persistence = aof ? 'AOF everysec' : 'no persistence';
  test(`Redis killed and restarted mid-load (${persistence}): acknowledged messages are kept in PostgreSQL and all answered`, async (t) => {
    const redis = new DedicatedRedis(aof);
    await redis.start();
    t.teardown(() => redis.close());
    const cluster = await new Cluster({ apis: 2, workers: 2, redisUrl: redis.url }).start();
    t.teardown(() => cluster.close());
    let restarted = false;
    await runScenario(t, {
      name: `Redis kill -9 + restart, ${persistence}`,
      cluster,
      onSecond: async (second) => {
        if (second !== FAULT_AT_S || restarted) return;
        restarted = true;
        await redis.kill();
        // Down for 3 s, then back on the same port (and, with AOF, the same data).
        setTimeout(() => void redis.start(), 3000);
      },
      // Without persistence the queue is gone: the recovery sweep (every 15 s, messages older
      // than COALESCE_WINDOW_MS + 30 s) re-queues what PostgreSQL holds.
      drainMs: 120_000,
      note: () => 'down 3 s',
    });
  });
}
