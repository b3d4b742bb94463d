import test from 'ava';
import { Cluster } from './support/cluster.ts';
import { RATE, runScenario } from './support/scenario.ts';
import { POSTGRES_ADMIN_URL } from '../support/databases.ts';
import { TcpProxy, viaProxy } from '../support/tcp-proxy.ts';

test('PostgreSQL unreachable for 30 s: callbacks answered 5xx, nothing acknowledged is lost, recovery without an operator', async (t) => {
  const server = new URL(POSTGRES_ADMIN_URL);
  const proxy = new TcpProxy(Number(server.port || 5432));
  const proxyUrl = await proxy.listen();
  t.teardown(() => proxy.close());
  const cluster = await new Cluster({
    apis: 2,
    workers: 2,
    env: { JOB_BACKOFF_MS: '1000' },
    databaseUrlFor: (url) => viaProxy(url, proxyUrl),
  }).start();
  t.teardown(() => cluster.close());
  // 45 s of load: 5 s healthy, 30 s without a database, 10 s after it is back.
  let cutAt = -1;
  const { sent } = await runScenario(t, {
    customers: RATE * 45,
    name: 'PostgreSQL down 30 s',
    cluster,
    onSecond: (second) => {
      if (cutAt < 0 && second === 5) {
        cutAt = second;
        proxy.cut();
        setTimeout(() => proxy.restore(), 30_000);
      }
    },
    // WeCom's own retry policy: the first try and three retries.
    load: { maxAttempts: 4, retryDelayMs: 2000 },
    drainMs: 120_000,
    note: () => 'platform retries 3×, 2 s apart',
  });
  t.true(cutAt >= 0);
  t.is(cluster.apis.length + cluster.workers.length, 4, 'no process died of the outage');
  const refused = sent.flatMap((s) => s.statuses).filter((s) => s === 503).length;
  t.log(`${refused} callback attempts answered 503 while the database was away`);
  t.true(refused > 0, 'the service refused what it could not store');
});
