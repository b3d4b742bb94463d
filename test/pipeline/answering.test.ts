import test from 'ava';
import { eq } from 'drizzle-orm';
import { conversations, deliveries, messages } from '../../src/db/schema.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { ScriptedBrain } from '../support/scripted-brain.ts';
import { eventually, nextMsgId, startHarness } from '../support/wecom-service.ts';

for (const database of DATABASE_KINDS) {
  test.serial(`${database}: a FAQ question is acknowledged at once and answered through message/send`, async (t) => {
    const h = await startHarness({ database });
    t.teardown(() => h.close());
    const res = await h.sendText('lisi', '请问多久发货？');
    t.is(res.status, 200);
    t.is(await res.text(), '');
    const [reply] = await h.wecom.waitForDelivered(1);
    t.is(reply!.touser, 'lisi');
    t.regex(reply!.content, /48小时内发货/);
    // The send is recorded right after WeCom answers it.
    const rows = await eventually(
      async () => {
        const all = await h.service.db.select().from(messages).orderBy(messages.id);
        return all.length === 2 && all[1]!.status === 'sent' && all;
      },
      5000,
      'reply recorded as sent',
    );
    t.deepEqual(
      rows.map((m) => [m.direction, m.status]),
      [
        ['in', 'answered'],
        ['out', 'sent'],
      ],
    );
    const [delivery] = await h.service.db.select().from(deliveries);
    t.is(delivery!.status, 'sent');
    t.is(delivery!.platformMessageId, h.wecom.delivered[0]!.msgid);
  });

  test.serial(`${database}: three deliveries of one MsgId produce one stored message and one reply`, async (t) => {
    const brain = new ScriptedBrain();
    const h = await startHarness({ database, brain });
    t.teardown(() => h.close());
    const msgId = nextMsgId();
    const statuses = await Promise.all([
      h.sendText('wangwu', '在吗', msgId),
      h.sendText('wangwu', '在吗', msgId),
      h.sendText('wangwu', '在吗', msgId),
    ]);
    t.deepEqual(
      statuses.map((r) => r.status),
      [200, 200, 200],
    );
    await h.wecom.waitForDelivered(1);
    // A late retry, after the answer went out, is still recognised.
    t.is((await h.sendText('wangwu', '在吗', msgId)).status, 200);
    await new Promise((r) => setTimeout(r, 400));
    t.is(h.wecom.delivered.length, 1);
    t.is(brain.calls.length, 1);
    t.is((await h.service.db.select().from(messages).where(eq(messages.direction, 'in'))).length, 1);
  });
}

test.serial('a burst of three quick lines is answered once, with all three in context', async (t) => {
  const brain = new ScriptedBrain();
  const h = await startHarness({ database: 'postgres', brain, env: { COALESCE_WINDOW_MS: '400' } });
  t.teardown(() => h.close());
  await h.sendText('zhaoliu', '你好');
  await h.sendText('zhaoliu', '我想问一下');
  await h.sendText('zhaoliu', '发票怎么开');
  const [reply] = await h.wecom.waitForDelivered(1);
  await new Promise((r) => setTimeout(r, 600));
  t.is(h.wecom.delivered.length, 1);
  t.deepEqual(
    brain.calls.map((c) => c.texts),
    [['你好', '我想问一下', '发票怎么开']],
  );
  t.is(reply!.content, '答：你好 / 我想问一下 / 发票怎么开');
});

test.serial('each conversation is answered in order and never twice at once, while conversations run in parallel', async (t) => {
  const brain = new ScriptedBrain({ delayMs: 30 });
  const h = await startHarness({ database: 'postgres', brain, env: { COALESCE_WINDOW_MS: '0', WORKER_CONCURRENCY: '20' } });
  t.teardown(() => h.close());
  const customers = Array.from({ length: 8 }, (_, i) => `user${i}`);
  const perCustomer = 5;
  // Each customer sends five numbered lines, one after the other; customers send concurrently.
  await Promise.all(
    customers.map(async (c) => {
      for (let i = 0; i < perCustomer; i++) {
        t.is((await h.sendText(c, `${c}-${i}`)).status, 200);
        await new Promise((r) => setTimeout(r, 10));
      }
    }),
  );
  await eventually(
    async () => {
      const pending = await h.service.db.select().from(messages).where(eq(messages.status, 'pending'));
      return (
        pending.length === 0 &&
        (await h.service.db.select().from(deliveries).where(eq(deliveries.status, 'sent'))).length === brain.calls.length
      );
    },
    20_000,
    'every message answered',
  );
  t.is(brain.overlaps, 0, 'no conversation was in the brain twice at once');
  for (const c of customers) {
    // Every line was answered exactly once, in the order sent (bursts may be answered together).
    const answered = h.wecom.deliveredTo(c).flatMap((text) => text.replace('答：', '').split(' / '));
    t.deepEqual(
      answered,
      Array.from({ length: perCustomer }, (_, i) => `${c}-${i}`),
    );
  }
});

test.serial('a conversation flagged for a human is not answered by the bot', async (t) => {
  const brain = new ScriptedBrain({
    decide: (texts) =>
      texts.includes('转人工')
        ? { kind: 'handoff', reason: 'customer_asked', text: '正在为您转接人工客服', meta: {} }
        : { kind: 'reply', text: 'ok', meta: {} },
  });
  const h = await startHarness({ database: 'pglite', brain });
  t.teardown(() => h.close());
  await h.sendText('sunqi', '转人工');
  await h.wecom.waitForDelivered(1);
  const [conversation] = await h.service.db.select().from(conversations);
  t.is(conversation!.status, 'needs_human');
  t.is(conversation!.handoffReason, 'customer_asked');
  await h.sendText('sunqi', '还在吗');
  const held = await eventually(
    async () => (await h.service.db.select().from(messages).where(eq(messages.status, 'held')))[0],
    5000,
    'message held',
  );
  t.is(held.text, '还在吗');
  t.is(h.wecom.delivered.length, 1);
  t.is(brain.calls.length, 1);
});

test.serial('a customer waiting for a person is told so once per interval, and the messages stay held for that person', async (t) => {
  const brain = new ScriptedBrain({
    decide: (texts) =>
      texts.includes('转人工')
        ? { kind: 'handoff', reason: 'customer_asked', text: '正在为您转接人工客服', meta: {} }
        : { kind: 'reply', text: 'ok', meta: {} },
  });
  const h = await startHarness({
    database: 'postgres',
    brain,
    env: { HOLD_NOTICE_INTERVAL_MS: '500', HOLD_NOTICE_TEXT: '已收到，人工客服马上来' },
  });
  t.teardown(() => h.close());
  await h.sendText('waiting', '转人工');
  await h.wecom.waitForDelivered(1);
  await new Promise((r) => setTimeout(r, 600));
  await h.sendText('waiting', '还要等多久');
  await h.wecom.waitForDelivered(2);
  await h.sendText('waiting', '喂？');
  await eventually(
    async () => (await h.service.db.select().from(messages).where(eq(messages.status, 'held'))).length === 2,
    5000,
    'both held',
  );
  await new Promise((r) => setTimeout(r, 200));
  t.deepEqual(h.wecom.deliveredTo('waiting'), ['正在为您转接人工客服', '已收到，人工客服马上来'], 'one notice within the interval');
  t.is(brain.calls.length, 1, 'the brain was not asked again');
  const [conversation] = await h.service.db.select().from(conversations);
  t.is(conversation!.status, 'needs_human');
});
