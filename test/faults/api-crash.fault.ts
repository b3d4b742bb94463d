import test from 'ava';
import { Cluster } from './support/cluster.ts';
import { FAULT_AT_S, runScenario } from './support/scenario.ts';

test('an API process killed with -9 behind two others: retried callbacks land on the others, nothing lost or doubled', async (t) => {
  const cluster = await new Cluster({ apis: 3, workers: 2 }).start();
  t.teardown(() => cluster.close());
  let killed = false;
  await runScenario(t, {
    name: 'kill -9 of 1 of 3 APIs',
    cluster,
    onSecond: async (second) => {
      if (second !== FAULT_AT_S || killed) return;
      killed = true;
      t.is(await cluster.stop(cluster.apis[0]!, 'SIGKILL'), 'SIGKILL');
    },
    note: () => 'load generator retries on connection error/5xx',
  });
  t.true(killed);
});
