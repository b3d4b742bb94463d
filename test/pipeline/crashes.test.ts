import test from 'ava';
import { eq } from 'drizzle-orm';
import { connectDatabase } from '../../src/db/connect.ts';
import { deliveries } from '../../src/db/schema.ts';
import { FakeWecomApi } from '../../src/simulator/fake-wecom-api.ts';
import { postCallback, sealWecomCallback, wecomTextXml } from '../../src/simulator/wecom-callback.ts';
import { createTestDatabase } from '../support/databases.ts';
import { scaledOutEnv, startRole } from '../support/processes.ts';
import { app, appEnv, deleteRedisPrefix, eventually, keys, nextMsgId } from '../support/wecom-service.ts';

/** API and worker as separate processes on a shared PostgreSQL, as operators run them. */
async function setup(t: import('ava').ExecutionContext) {
  const wecom = new FakeWecomApi({ corpId: app.corpId, secret: app.secret, agentId: app.agentId });
  const apiBase = await wecom.listen();
  const database = await createTestDatabase('postgres');
  const prefix = `crash${Date.now()}`;
  const env = {
    ...scaledOutEnv(database, prefix),
    ...appEnv(apiBase),
    JOB_LOCK_MS: '2000',
    JOB_BACKOFF_MS: '100',
    SHUTDOWN_TIMEOUT_MS: '10000',
  };
  const reader = await connectDatabase({ url: database.url });
  const api = await startRole('api', env);
  t.teardown(async () => {
    api.child.kill('SIGKILL');
    await reader.close();
    await wecom.close();
    await deleteRedisPrefix(prefix);
    await database.drop();
  });
  const send = (from: string, text: string) =>
    postCallback(
      `http://127.0.0.1:${api.port}`,
      '/callbacks/wecom/default',
      sealWecomCallback(keys, app.agentId, wecomTextXml({ toCorp: app.corpId, agentId: app.agentId, from, text, msgId: nextMsgId() })),
    );
  return { wecom, env, reader, api, send };
}

test.serial('a worker killed with -9 while its send is in flight: after restart the reply is delivered exactly once', async (t) => {
  const { wecom, env, reader, send } = await setup(t);
  // WeCom takes 1.5 s to answer the first send: the worker dies waiting, WeCom delivers anyway.
  wecom.failNext(1, { delayMs: 1500 });
  const first = await startRole('worker', env);
  t.teardown(() => first.child.kill('SIGKILL'));

  t.is((await send('chenyi', '营业时间是几点')).status, 200);
  await eventually(async () => wecom.sendRequests === 1, 30_000, 'send in flight');
  first.child.kill('SIGKILL');
  t.is(await first.exited, 'SIGKILL');
  await wecom.waitForDelivered(1);

  const second = await startRole('worker', env);
  t.teardown(() => second.child.kill('SIGKILL'));
  const delivery = await eventually(
    async () => (await reader.db.select().from(deliveries).where(eq(deliveries.status, 'sent')))[0],
    20_000,
    'delivery recorded as sent',
  );
  t.is(delivery.attempts, 2, 'the part was sent again after the crash…');
  t.is(wecom.duplicatesSuppressed, 1, '…and WeCom’s duplicate check swallowed the resend');
  t.is(wecom.deliveredTo('chenyi').length, 1, 'the customer saw one reply');
  t.regex(wecom.deliveredTo('chenyi')[0]!, /10:00～22:00/);
});

test.serial('SIGTERM drains: the worker finishes the send in flight, records it, and exits 0; the API stops and exits 0', async (t) => {
  const { wecom, env, reader, api, send } = await setup(t);
  wecom.failNext(1, { delayMs: 1500 });
  const worker = await startRole('worker', env);
  t.teardown(() => worker.child.kill('SIGKILL'));

  t.is((await send('heer', '能开发票吗')).status, 200);
  await eventually(async () => wecom.sendRequests === 1, 30_000, 'send in flight');
  worker.child.kill('SIGTERM');
  api.child.kill('SIGTERM');
  t.is(await worker.exited, 0);
  t.is(await api.exited, 0);
  const [delivery] = await reader.db.select().from(deliveries);
  t.is(delivery!.status, 'sent', 'the in-flight send was finished and recorded before exit');
  t.is(wecom.deliveredTo('heer').length, 1);
  t.regex(worker.output(), /shutting down/);
});
