import test from 'ava';
import { Redis } from 'ioredis';
import { DATABASE_KINDS } from '../../support/databases.ts';
import { ScriptedBrain } from '../../support/scripted-brain.ts';
import { eventually, REDIS_URL, startHarness } from '../../support/wecom-service.ts';
import { countFrom, newClientId, WebVisitor } from '../../support/web-visitor.ts';

const ids = (messages: Array<{ id: number }>) => messages.map((m) => m.id);

for (const database of DATABASE_KINDS) {
  test.serial(
    `${database}: a visitor's message is answered on their stream, then a reconnect with Last-Event-ID gets exactly what was missed, in order`,
    async (t) => {
      const h = await startHarness({ database, brain: new ScriptedBrain() });
      t.teardown(() => h.close());
      const visitor = new WebVisitor(h.baseUrl);
      t.is((await visitor.startSession()).status, 200);

      const first = await visitor.stream({ lastEventId: 0 });
      t.is((await visitor.send('第一句')).status, 202);
      await first.waitFor((e) => countFrom(e, 'bot') === 1, 30_000, 'the first reply');
      t.deepEqual(
        first.messages().map((m) => [m.from, m.text]),
        [
          ['customer', '第一句'],
          ['bot', '答：第一句'],
        ],
      );
      t.true(
        first.events.some((e) => e.event === 'typing' && e.data.active === true),
        'the bot is shown typing',
      );
      const lastSeen = Math.max(...ids(first.messages()));
      first.close();

      // The stream is down while the visitor writes again (from another tab) and the bot answers.
      t.is((await visitor.send('第二句')).status, 202);
      await eventually(async () => (await visitor.history()).length === 4, 30_000, 'the second reply stored');

      const resumed = await visitor.stream({ lastEventId: lastSeen });
      await resumed.waitFor((e) => e.some((x) => x.event === 'ready'));
      const missed = resumed.messages();
      t.deepEqual(
        missed.map((m) => [m.from, m.text]),
        [
          ['customer', '第二句'],
          ['bot', '答：第二句'],
        ],
      );
      t.true(missed.every((m) => m.id > lastSeen));
      t.deepEqual(
        ids(missed),
        [...ids(missed)].sort((a, b) => a - b),
      );
      t.deepEqual(
        resumed.events.filter((e) => e.event === 'message').map((e) => Number(e.id)),
        ids(missed),
        'event ids are message ids',
      );

      // And it carries on live.
      await visitor.send('第三句');
      await resumed.waitFor((e) => countFrom(e, 'bot') === 2, 30_000, 'the third reply');
      const all = ids(resumed.messages());
      t.is(new Set(all).size, all.length, 'no message twice');
      resumed.close();
    },
  );
}

test.serial(
  'a reply sent while the visitor is reconnecting arrives exactly once (cursor in the query string, as the widget sends it)',
  async (t) => {
    const h = await startHarness({ database: 'postgres', brain: new ScriptedBrain({ delayMs: 150 }) });
    t.teardown(() => h.close());
    const visitor = new WebVisitor(h.baseUrl);
    await visitor.startSession();
    for (const [i, reconnectAfterMs] of [0, 100, 150, 200, 300].entries()) {
      const before = await visitor.stream({ lastEventId: 0, header: false });
      await before.waitFor((e) => e.some((x) => x.event === 'ready'));
      const cursor = Math.max(0, ...ids(before.messages()));
      before.close();
      await visitor.send(`问题${i}`);
      await new Promise((r) => setTimeout(r, reconnectAfterMs));
      const after = await visitor.stream({ lastEventId: cursor, header: false });
      await after.waitFor((e) => e.some((x) => x.event === 'message' && x.data.text === `答：问题${i}`), 30_000, `reply ${i}`);
      await new Promise((r) => setTimeout(r, 150));
      t.is(after.messages().filter((m) => m.text === `答：问题${i}`).length, 1, `reply ${i} once (reconnect after ${reconnectAfterMs} ms)`);
      after.close();
    }
  },
);

test.serial('a retried send (same client id) is stored once and answered once', async (t) => {
  const brain = new ScriptedBrain();
  const h = await startHarness({ database: 'postgres', brain });
  t.teardown(() => h.close());
  const visitor = new WebVisitor(h.baseUrl);
  await visitor.startSession();
  const clientId = newClientId();
  const answers = await Promise.all([visitor.send('在吗', clientId), visitor.send('在吗', clientId), visitor.send('在吗', clientId)]);
  const bodies = (await Promise.all(answers.map((r) => r.json()))) as Array<{ message: { id: number }; duplicate: boolean }>;
  t.is(new Set(bodies.map((b) => b.message.id)).size, 1, 'every answer names the one stored message');
  t.is(bodies.filter((b) => !b.duplicate).length, 1);
  await eventually(async () => (await visitor.history()).length === 2, 30_000, 'the reply');
  await new Promise((r) => setTimeout(r, 300));
  t.deepEqual(
    (await visitor.history()).map((m) => m.from),
    ['customer', 'bot'],
  );
  t.is(brain.calls.length, 1);
});

test.serial('the stream starts with the newest messages when no cursor is given, and history pages back from there', async (t) => {
  const h = await startHarness({ database: 'postgres', brain: new ScriptedBrain() });
  t.teardown(() => h.close());
  const visitor = new WebVisitor(h.baseUrl);
  await visitor.startSession();
  await visitor.send('你好');
  await eventually(async () => (await visitor.history()).length === 2, 30_000, 'the reply');
  const stream = await visitor.stream();
  await stream.waitFor((e) => e.some((x) => x.event === 'ready'));
  t.deepEqual(
    stream.messages().map((m) => m.text),
    ['你好', '答：你好'],
  );
  stream.close();
  const older = await fetch(`${visitor.api}/history?before=${ids(stream.messages())[1]}&limit=1`, { headers: visitor.headers() });
  t.deepEqual(
    ((await older.json()) as { messages: Array<{ text: string }> }).messages.map((m) => m.text),
    ['你好'],
  );
});

test.serial('streams that end, even while still catching up, leave no subscription behind', async (t) => {
  const h = await startHarness({ database: 'postgres', brain: new ScriptedBrain() });
  t.teardown(() => h.close());
  const visitor = new WebVisitor(h.baseUrl);
  await visitor.startSession();
  const redis = new Redis(REDIS_URL);
  t.teardown(() => redis.disconnect());
  const subscribed = async () => ((await redis.pubsub('CHANNELS', `${h.service.redisPrefix}:web-stream:*`)) as string[]).length;

  const streams = await Promise.all([1, 2, 3].map(() => visitor.stream({ lastEventId: 0 })));
  t.is(await subscribed(), 1, 'one subscription per visitor and process, however many tabs');
  const openStreams = async () => /kefu_web_streams_open (\d+)/.exec(await (await fetch(`${h.baseUrl}/metrics`)).text())?.[1];
  t.is(await openStreams(), '3');
  for (const s of streams) s.close();
  // Requests abandoned right away, before their catch-up was read.
  for (let i = 0; i < 5; i++) {
    const abort = new AbortController();
    const ticket = await visitor.ticketFor({ purpose: 'stream' });
    const pending = fetch(`${visitor.api}/stream?ticket=${ticket}&lastEventId=0`, {
      headers: visitor.headers(),
      signal: abort.signal,
    }).catch(() => undefined);
    abort.abort();
    await pending;
  }
  await eventually(async () => (await subscribed()) === 0, 30_000, 'no subscription left');
  t.is(await openStreams(), '0');
});
