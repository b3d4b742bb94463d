import test from 'ava';
import { Cluster } from './support/cluster.ts';
import { FAULT_AT_S, runScenario } from './support/scenario.ts';

test('workers killed with -9 every 4 s under load: every acknowledged message answered exactly once', async (t) => {
  const cluster = await new Cluster({ apis: 2, workers: 2, env: { JOB_LOCK_MS: '4000' } }).start();
  t.teardown(() => cluster.close());
  let kills = 0;
  await runScenario(t, {
    name: 'kill -9 of a worker, every 4 s',
    cluster,
    onSecond: async (second) => {
      if (second < FAULT_AT_S || second % 4 !== 0) return;
      await cluster.killWorker(kills++);
    },
    note: () => `${kills} workers killed; JOB_LOCK_MS=4000`,
  });
  t.true(kills >= 3);
});
