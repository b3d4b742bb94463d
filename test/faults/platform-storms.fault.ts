import test from 'ava';
import { Cluster } from './support/cluster.ts';
import { RATE, runScenario } from './support/scenario.ts';

test('platform storms (42001 for all, 45009, HTTP 500, -1, 10 s answers): every reply delivered once', async (t) => {
  const cluster = await new Cluster({ apis: 2, workers: 2, env: { JOB_BACKOFF_MS: '1000' } }).start();
  t.teardown(() => cluster.close());
  const { wecom } = cluster;
  const storms: string[] = [];
  await runScenario(t, {
    name: 'platform storms',
    customers: RATE * 40,
    cluster,
    onSecond: (second) => {
      const storm = (
        {
          4: () => wecom.expireTokens(),
          8: () => wecom.failFor(3000, { errcode: 45009, errmsg: 'api freq out of limit' }),
          13: () => wecom.failFor(3000, { httpStatus: 500 }),
          18: () => wecom.failFor(3000, { errcode: -1, errmsg: 'system busy' }),
          23: () => wecom.failFor(8000, { delayMs: 10_000 }),
        } as Record<number, () => void>
      )[second];
      if (storm) {
        storm();
        storms.push(String(second));
      }
    },
    drainMs: 150_000,
    note: () =>
      `${wecom.sendRequests} send requests, ${wecom.duplicatesSuppressed} resends swallowed by the duplicate check, ${wecom.tokenFetches} token fetches`,
  });
  t.is(storms.length, 5);
});
