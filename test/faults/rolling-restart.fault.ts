import test from 'ava';
import { Cluster } from './support/cluster.ts';
import { runScenario } from './support/scenario.ts';

test('SIGTERM of every process under load (a rolling deploy): each exits 0, nothing lost, nothing doubled', async (t) => {
  const cluster = await new Cluster({ apis: 2, workers: 2 }).start();
  t.teardown(() => cluster.close());
  const exits: Array<number | string> = [];
  // Snapshot of the processes to replace: a deploy starts a new one, then terminates an old one.
  const old = [...cluster.apis.map((p) => ['api', p] as const), ...cluster.workers.map((p) => ['worker', p] as const)];
  let rolling: Promise<void> | undefined;
  await runScenario(t, {
    name: 'rolling SIGTERM of all 4 processes',
    cluster,
    onSecond: (second) => {
      if (second !== 3 || rolling) return;
      rolling = (async () => {
        for (const [role, proc] of old) {
          await cluster.add(role);
          exits.push(await cluster.stop(proc, 'SIGTERM'));
        }
      })();
    },
    faultDone: async () => rolling,
    note: () => `exit codes ${exits.join(',')}`,
  });
  t.deepEqual(exits, [0, 0, 0, 0], 'every process drained and exited 0');
});
