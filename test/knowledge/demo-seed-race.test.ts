import { randomBytes } from 'node:crypto';
import test from 'ava';
import pg from 'pg';
import { createTestDatabase } from '../support/databases.ts';
import { scaledOutEnv, startRole } from '../support/processes.ts';
import { deleteRedisPrefix } from '../support/wecom-service.ts';

test('three workers starting at once on an empty database all start, and the demo knowledge base is imported once', async (t) => {
  const database = await createTestDatabase('postgres');
  const prefix = `kefu-test-${randomBytes(4).toString('hex')}`;
  const env = scaledOutEnv(database, prefix);
  const started: Array<Awaited<ReturnType<typeof startRole>>> = [];
  t.teardown(async () => {
    for (const role of started) role.child.kill('SIGKILL');
    await Promise.all(started.map((role) => role.exited));
    await deleteRedisPrefix(prefix);
    await database.drop();
  });

  const outcomes = await Promise.allSettled([startRole('worker', env), startRole('worker', env), startRole('worker', env)]);
  for (const outcome of outcomes) if (outcome.status === 'fulfilled') started.push(outcome.value);
  t.deepEqual(
    outcomes.map((o) => (o.status === 'fulfilled' ? 'started' : String(o.reason).slice(0, 300))),
    ['started', 'started', 'started'],
  );

  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  const { rows } = await client.query<{ versions: number; active: number }>(
    `select count(*)::int as versions, count(*) filter (where status = 'active')::int as active from kb_documents`,
  );
  await client.end();
  t.deepEqual(rows[0], { versions: 1, active: 1 });
});
