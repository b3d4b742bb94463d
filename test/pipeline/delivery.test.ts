import test from 'ava';
import { eq } from 'drizzle-orm';
import { conversations, deliveries } from '../../src/db/schema.ts';
import { FakeWecomApi } from '../../src/simulator/fake-wecom-api.ts';
import { ScriptedBrain } from '../support/scripted-brain.ts';
import { app, eventually, startHarness } from '../support/wecom-service.ts';

test.serial('after 42001 hits 20 concurrent sends, the token is fetched once and every reply arrives once', async (t) => {
  const h = await startHarness({
    database: 'postgres',
    brain: new ScriptedBrain(),
    env: { COALESCE_WINDOW_MS: '0', WORKER_CONCURRENCY: '25' },
  });
  t.teardown(() => h.close());
  await h.sendText('warmup', '你好');
  await h.wecom.waitForDelivered(1);
  t.is(h.wecom.tokenFetches, 1, 'the first send fetched the token');

  h.wecom.expireTokens();
  const users = Array.from({ length: 20 }, (_, i) => `member${i}`);
  await Promise.all(users.map((u) => h.sendText(u, `问题 ${u}`)));
  await h.wecom.waitForDelivered(21);
  t.is(h.wecom.tokenFetches, 2, 'one refresh for all twenty');
  for (const u of users) t.deepEqual(h.wecom.deliveredTo(u), [`答：问题 ${u}`]);
});

test.serial('HTTP 500 and errcode -1 are retried with backoff and the reply is delivered once', async (t) => {
  const h = await startHarness({ database: 'postgres', brain: new ScriptedBrain() });
  t.teardown(() => h.close());
  h.wecom.failNext(2, { httpStatus: 500 });
  h.wecom.failNext(2, { errcode: -1, errmsg: 'system busy' });
  await h.sendText('qianba', '在吗');
  await h.wecom.waitForDelivered(1);
  await new Promise((r) => setTimeout(r, 300));
  t.deepEqual(h.wecom.deliveredTo('qianba'), ['答：在吗']);
  t.is(h.wecom.sendRequests, 5);
  const [delivery] = await h.service.db.select().from(deliveries);
  t.is(delivery!.status, 'sent');
  t.is(delivery!.attempts, 5);
  t.is(delivery!.lastErrorCode, 'wecom:-1', 'the last error is kept for the record');
});

test.serial('a permanent errcode (81013) is recorded, not retried, and the conversation goes to a human', async (t) => {
  const wecom = new FakeWecomApi({ corpId: app.corpId, secret: app.secret, agentId: app.agentId, knownUsers: ['someone-else'] });
  const h = await startHarness({ database: 'pglite', brain: new ScriptedBrain(), wecom });
  t.teardown(() => h.close());
  await h.sendText('left-the-company', '你好');
  const failed = await eventually(
    async () => (await h.service.db.select().from(deliveries).where(eq(deliveries.status, 'failed')))[0],
    10_000,
    'failed delivery',
  );
  t.is(failed.lastErrorCode, 'wecom:81013');
  t.is(failed.attempts, 1);
  await new Promise((r) => setTimeout(r, 500));
  t.is(h.wecom.sendRequests, 1, 'not retried');
  const [conversation] = await h.service.db.select().from(conversations);
  t.is(conversation!.status, 'needs_human');
  t.is(conversation!.handoffReason, 'delivery_failed:wecom:81013');
});

test.serial('a reply longer than 2048 bytes arrives whole, in parts, in order', async (t) => {
  const long = Array.from({ length: 80 }, (_, i) => `第${i + 1}条说明：请在订单页面操作即可。`).join('');
  const h = await startHarness({
    database: 'postgres',
    brain: new ScriptedBrain({ decide: () => ({ kind: 'reply', text: long, meta: {} }) }),
  });
  t.teardown(() => h.close());
  await h.sendText('zhoujiu', '详细说明');
  const parts = await eventually(
    async () => {
      const rows = await h.service.db.select().from(deliveries).orderBy(deliveries.part);
      return rows.length > 1 && rows.every((r) => r.status === 'sent') && rows;
    },
    10_000,
    'all parts sent',
  );
  const received = h.wecom.deliveredTo('zhoujiu');
  t.is(received.length, parts.length);
  t.is(received.join(''), long);
  for (const r of received) t.true(Buffer.byteLength(r) <= 2048);
});
