import test from 'ava';
import { sql } from 'drizzle-orm';
import { connectDatabase } from '../../src/db/connect.ts';
import { createTestDatabase } from '../support/databases.ts';
import { TcpProxy, viaProxy } from '../support/tcp-proxy.ts';

test('PostgreSQL lost under load: transactions fail, the process survives, and the pool works again once the server is back', async (t) => {
  const database = await createTestDatabase('postgres');
  const proxy = new TcpProxy(Number(new URL(database.url).port || 5432));
  const proxyUrl = await proxy.listen();
  const lost: string[] = [];
  const handle = await connectDatabase({ url: viaProxy(database.url, proxyUrl), onConnectionError: (err) => lost.push(err.message) });
  t.teardown(async () => {
    await proxy.close();
    await handle.close().catch(() => {});
    await database.drop();
  });
  const transaction = () =>
    handle.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_sleep(0.05)`);
      await tx.execute(sql`select 1`);
    });
  await Promise.all(Array.from({ length: 40 }, transaction)); // every pooled connection open and busy

  // The server goes away while 20 transactions are mid-flight and 20 wait for a connection: some die
  // between statements, some at their `begin`.
  const during = Promise.allSettled(Array.from({ length: 40 }, transaction));
  setTimeout(() => proxy.cut(), 30);
  t.true((await during).some((r) => r.status === 'rejected'));
  t.true(
    (await Promise.allSettled(Array.from({ length: 10 }, transaction))).every((r) => r.status === 'rejected'),
    'refused while down',
  );
  t.true(lost.length > 0, 'connections lost between statements were reported, not fatal');

  proxy.restore();
  const within = (ms: number) =>
    new Promise((_, reject) => setTimeout(() => reject(new Error(`no connection within ${ms} ms: the pool leaked its clients`)), ms));
  await Promise.race([Promise.all(Array.from({ length: 40 }, transaction)), within(10_000)]);
  t.pass();
});
