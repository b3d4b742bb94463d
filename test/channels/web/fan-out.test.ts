import test from 'ava';
import { createTestDatabase } from '../../support/databases.ts';
import { scaledOutEnv, startRole } from '../../support/processes.ts';
import { deleteRedisPrefix } from '../../support/wecom-service.ts';
import { countFrom, WebVisitor } from '../../support/web-visitor.ts';

/** Two API processes and a worker on one PostgreSQL and Redis, as operators scale them. */
test.serial(
  'a reply reaches the visitor’s stream on one API process when the message came in through another; SIGTERM ends open streams and exits 0',
  async (t) => {
    const database = await createTestDatabase('postgres');
    const prefix = `webfan${Date.now()}`;
    const env = scaledOutEnv(database, prefix);
    const [apiOne, apiTwo, worker] = await Promise.all([startRole('api', env), startRole('api', env), startRole('worker', env)]);
    t.teardown(async () => {
      for (const p of [apiOne, apiTwo, worker]) p.child.kill('SIGKILL');
      await deleteRedisPrefix(prefix);
      await database.drop();
    });

    const onOne = new WebVisitor(`http://127.0.0.1:${apiOne.port}`);
    await onOne.startSession();
    const onTwo = new WebVisitor(`http://127.0.0.1:${apiTwo.port}`);
    onTwo.token = onOne.token;
    const stream = await onOne.stream({ lastEventId: 0 });
    await stream.waitFor((e) => e.some((x) => x.event === 'ready'));
    t.is((await onTwo.send('能开发票吗')).status, 202);
    await stream.waitFor((e) => countFrom(e, 'bot') === 1, 30_000, 'the reply, published by the worker');
    t.deepEqual(
      stream.messages().map((m) => m.from),
      ['customer', 'bot'],
    );
    t.regex(stream.messages()[1]!.text, /发票/);

    const started = Date.now();
    apiOne.child.kill('SIGTERM');
    t.is(await apiOne.exited, 0);
    await stream.closed;
    t.true(Date.now() - started < 5000, 'the open stream did not hold the shutdown');
  },
);
