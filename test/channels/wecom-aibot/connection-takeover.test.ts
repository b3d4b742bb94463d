import test from 'ava';
import { eq } from 'drizzle-orm';
import { connectDatabase } from '../../../src/db/connect.ts';
import { messages } from '../../../src/db/schema.ts';
import { FakeAibotWsServer } from '../../../src/simulator/fake-aibot-ws-server.ts';
import { aibotBot, aibotWsEnv } from '../../support/aibot-service.ts';
import { createTestDatabase } from '../../support/databases.ts';
import { scaledOutEnv, startRole } from '../../support/processes.ts';
import { deleteRedisPrefix, eventually } from '../../support/wecom-service.ts';

/** What the user saw for a message: its finished stream frames and the proactive messages to them. */
const answersTo = (server: FakeAibotWsServer, msgid: string) => server.framesOf(msgid).filter((f) => f.finish);

test.serial(
  'two processes: one holds the connection; kill -9 it and the other takes over within 5 s, and no message is answered twice',
  async (t) => {
    // Processes start slowly on a loaded machine; the takeover itself is timed below.
    t.timeout(360_000);
    const server = new FakeAibotWsServer(aibotBot);
    const wsUrl = await server.listen();
    const database = await createTestDatabase('postgres');
    const prefix = `aibotlease${Date.now()}`;
    const env = { ...scaledOutEnv(database, prefix), ...aibotWsEnv(wsUrl), JOB_LOCK_MS: '2000', JOB_BACKOFF_MS: '100' };
    const reader = await connectDatabase({ url: database.url });
    const first = await startRole('worker', env);
    const started = [first];
    t.teardown(async () => {
      for (const p of started) p.child.kill('SIGKILL');
      await reader.close();
      await server.close();
      await deleteRedisPrefix(prefix);
      await database.drop();
    });
    await eventually(async () => server.activeConnection !== undefined, 30_000, 'the first process subscribed');
    const second = await startRole('worker', env);
    started.push(second);
    // The standby competes for the lease but never connects while the holder lives.
    await new Promise((r) => setTimeout(r, 4000));
    t.is(server.subscriptions.length, 1, 'only one process connected');

    const before = server.say({ from: 'zhangsan', text: '营业时间' });
    await eventually(async () => answersTo(server, before).length > 0, 30_000, 'the answer before the crash');

    // A message arrives as the holder dies: it may be stored and acknowledged or not; either way one answer.
    const during = server.say({ from: 'lisi', text: '能开发票吗' });
    first.child.kill('SIGKILL');
    const killedAt = Date.now();
    await first.exited;
    await eventually(async () => server.subscriptions.length >= 2, 30_000, 'the second process subscribed');
    const takeoverMs = server.subscriptions[1]!.at - killedAt;
    t.true(takeoverMs < 5000, `took over after ${takeoverMs} ms`);
    t.log(`takeover after kill -9: ${takeoverMs} ms`);

    const after = server.say({ from: 'wangwu', text: '退货运费谁出' });
    await eventually(async () => answersTo(server, after).length > 0, 30_000, 'the answer after the takeover');
    const answeredDuring = () => answersTo(server, during).length + server.sent.filter((s) => s.chatid === 'lisi').length;
    await eventually(async () => answeredDuring() > 0, 30_000, 'the answer to the message sent as the holder died');
    // Anything still in flight has had time to arrive twice, if it were going to.
    await new Promise((r) => setTimeout(r, 3000));

    t.is(answersTo(server, before).length, 1);
    t.is(answersTo(server, after).length, 1);
    t.is(answeredDuring(), 1, 'the message caught in the crash was answered once');
    t.true(
      server.framesOf(after).every((f) => f.connection === server.subscriptions[1]!.connection),
      'the new holder answered on its own connection',
    );
    const replies = await reader.db.select().from(messages).where(eq(messages.direction, 'out'));
    t.is(replies.length, 3, 'one stored reply per message');
    t.is(server.subscriptions.length, 2, 'no process kicked the other afterwards');
  },
);
