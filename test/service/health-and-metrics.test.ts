import test from 'ava';
import { startHarness } from '../support/wecom-service.ts';

test.serial('healthz, readyz and metrics answer; metrics count callbacks, ack latency, sends and queue depth', async (t) => {
  const h = await startHarness({ database: 'postgres' });
  t.teardown(() => h.close());
  t.is((await fetch(`${h.baseUrl}/healthz`)).status, 200);
  const ready = await fetch(`${h.baseUrl}/readyz`);
  t.is(ready.status, 200);
  t.deepEqual((await ready.json()).checks, { database: true, migrations: true, redis: true, accepting: true });

  await h.sendText('metrics-user', '能开发票吗');
  await h.wecom.waitForDelivered(1);
  await new Promise((r) => setTimeout(r, 200));
  const metrics = await (await fetch(`${h.baseUrl}/metrics`)).text();
  t.regex(metrics, /kefu_callbacks_total\{channel="wecom",result="accepted"\} 1/);
  t.regex(metrics, /kefu_callback_ack_seconds_count\{channel="wecom"\} 1/);
  t.regex(metrics, /kefu_sends_total\{channel="wecom",result="sent",code="0"\} 1/);
  t.regex(metrics, /kefu_access_token_refreshes_total\{channel="wecom"\} 1/);
  t.regex(metrics, /kefu_queue_jobs\{state="waiting"\} 0/);
  t.regex(metrics, /kefu_reply_latency_seconds_count\{channel="wecom"\} 1/);
});

test.serial('readyz turns 503 once shutdown begins', async (t) => {
  const h = await startHarness({ database: 'pglite' });
  const stopping = h.service.stop();
  // The listener closes too; whichever answers first, it must not be a 200.
  const res = await fetch(`${h.baseUrl}/readyz`).then(
    (r) => r.status,
    () => 'refused',
  );
  t.not(res, 200);
  await stopping;
  await h.wecom.close();
  await h.db.drop();
});

/** What production needs whatever this file tests (API processes share the widget secret). */
const production = { NODE_ENV: 'production', WEB_CHAT_SECRET: 'a-production-widget-secret-of-32-characters' };

test.serial('in production, without METRICS_PORT or METRICS_TOKEN, the public port does not serve /metrics', async (t) => {
  const h = await startHarness({ database: 'postgres', env: production });
  t.teardown(() => h.close());
  t.is((await fetch(`${h.baseUrl}/metrics`)).status, 404);
  t.is((await fetch(`${h.baseUrl}/healthz`)).status, 200);
  t.is(h.service.metricsPort, undefined);
});

test.serial('METRICS_PORT serves /metrics on a listener of its own and takes it off the public port', async (t) => {
  const h = await startHarness({ database: 'postgres', env: { ...production, METRICS_PORT: '0' } });
  t.teardown(() => h.close());
  t.is((await fetch(`${h.baseUrl}/metrics`)).status, 404);
  const own = await fetch(`http://127.0.0.1:${h.service.metricsPort}/metrics`);
  t.is(own.status, 200);
  t.regex(await own.text(), /kefu_callbacks_total/);
  t.is((await fetch(`http://127.0.0.1:${h.service.metricsPort}/healthz`)).status, 404, 'the metrics port serves metrics only');
});

test.serial('METRICS_TOKEN: /metrics answers 401 without the bearer token, and the metrics with it', async (t) => {
  const token = 'scrape-token-0123456789';
  const h = await startHarness({ database: 'postgres', env: { ...production, METRICS_TOKEN: token } });
  t.teardown(() => h.close());
  const anonymous = await fetch(`${h.baseUrl}/metrics`);
  t.is(anonymous.status, 401);
  t.is(anonymous.headers.get('www-authenticate'), 'Bearer realm="kefu-hub metrics"');
  t.is((await fetch(`${h.baseUrl}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status, 401);
  const scraped = await fetch(`${h.baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } });
  t.is(scraped.status, 200);
  t.regex(await scraped.text(), /kefu_callbacks_total/);
});
