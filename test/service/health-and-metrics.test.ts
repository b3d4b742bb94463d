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
