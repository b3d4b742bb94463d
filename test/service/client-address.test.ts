import type { AddressInfo } from 'node:net';
import test from 'ava';
import type { Channel } from '../../src/channels/types.ts';
import { createHttpApp } from '../../src/http/app.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createMetrics } from '../../src/observability/metrics.ts';

/** An app whose one extra route answers the client address Koa sees. */
async function appTrusting(trustedProxyHops: number) {
  const echo = { kind: 'web', accounts: () => [], registerRoutes: (r) => r.get('/ip', (ctx) => (ctx.body = ctx.ip)) } as Pick<
    Channel,
    'kind' | 'accounts' | 'registerRoutes'
  >;
  const app = createHttpApp({
    logger: createLogger('silent'),
    metrics: createMetrics(),
    channels: [echo as Channel],
    isReady: async () => ({ ready: true, checks: {} }),
    isAcceptingTraffic: () => true,
    trustedProxyHops,
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const ipFor = (forwardedFor: string) =>
    fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/ip`, { headers: { 'X-Forwarded-For': forwardedFor } }).then((r) =>
      r.text(),
    );
  return { ipFor, close: () => new Promise((r) => server.close(r)) };
}

test('with no trusted proxy, X-Forwarded-For is ignored: a client cannot choose its address', async (t) => {
  const app = await appTrusting(0);
  t.teardown(app.close);
  t.regex(await app.ipFor('6.6.6.6'), /127\.0\.0\.1$/);
});

test('behind one trusted proxy, only the entry that proxy appended counts', async (t) => {
  const app = await appTrusting(1);
  t.teardown(app.close);
  t.is(await app.ipFor('6.6.6.6, 10.1.2.3'), '10.1.2.3');
});
