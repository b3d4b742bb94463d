import test from 'ava';
import { eventually, startHarness, type Harness } from '../support/wecom-service.ts';

/** Every connection up (database, Redis, queue) before the test runs and then closes them. */
const ready = (h: Harness) => eventually(async () => (await fetch(`${h.baseUrl}/readyz`)).status === 200, 30_000, 'readiness');

const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

test('the queue board at /admin/queues refuses without the admin login (401) and serves with it', async (t) => {
  // The api role, as operators run it (it needs PostgreSQL).
  const h = await startHarness({ database: 'postgres', role: 'api', env: { ADMIN_USER: 'ops', ADMIN_PASSWORD: 's3cret' } });
  t.teardown(() => h.close());
  await ready(h);

  const anonymous = await fetch(`${h.baseUrl}/admin/queues`);
  t.is(anonymous.status, 401);
  t.regex(anonymous.headers.get('www-authenticate') ?? '', /^Basic/);
  t.is((await fetch(`${h.baseUrl}/admin/queues/api/queues`, { headers: basic('ops', 'wrong') })).status, 401);
  t.is((await fetch(`${h.baseUrl}/admin/queues/api/queues`, { headers: basic('opsx', 's3cret') })).status, 401);

  const page = await fetch(`${h.baseUrl}/admin/queues`, { headers: basic('ops', 's3cret') });
  t.is(page.status, 200);
  t.regex(await page.text(), /<html/i);
  const api = await fetch(`${h.baseUrl}/admin/queues/api/queues`, { headers: basic('ops', 's3cret') });
  t.is(api.status, 200);
  t.regex(await api.text(), /conversation-turns/);
  t.is((await fetch(`${h.baseUrl}/healthz`)).status, 200, 'other routes need no login');
});

test('without ADMIN_USER and ADMIN_PASSWORD there is no queue board', async (t) => {
  const h = await startHarness({ database: 'pglite' });
  t.teardown(() => h.close());
  await ready(h);
  t.is((await fetch(`${h.baseUrl}/admin/queues`)).status, 404);
});

test('the queue board shows the kf sync queue beside the conversation queue when 微信客服 is configured', async (t) => {
  const h = await startHarness({
    database: 'postgres',
    role: 'api',
    env: {
      ADMIN_USER: 'ops',
      ADMIN_PASSWORD: 's3cret',
      WECOM_KF_CORP_ID: 'wwkfboard01',
      WECOM_KF_SECRET: 'kf-secret',
      WECOM_KF_TOKEN: 'kftoken',
      WECOM_KF_ENCODING_AES_KEY: 'kfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfk',
    },
  });
  t.teardown(() => h.close());
  await ready(h);
  const api = await fetch(`${h.baseUrl}/admin/queues/api/queues`, { headers: basic('ops', 's3cret') });
  const names = ((await api.json()) as { queues: Array<{ name: string }> }).queues.map((q) => q.name).sort();
  t.deepEqual(names, ['audience', 'conversation-turns', 'wecom-kf-sync']);
});
