import test from 'ava';
import { and, eq } from 'drizzle-orm';
import { auditLog, conversations, deliveries, messages } from '../../src/db/schema.ts';
import type { StaffRole } from '../../src/staff/roles.ts';
import { call, type Credentials } from '../support/console-api.ts';
import { DATABASE_KINDS, type DatabaseKind } from '../support/databases.ts';
import { ScriptedBrain } from '../support/scripted-brain.ts';
import { HANDOFF_TEXT, handoffBrain, staffMember } from '../support/staff-members.ts';
import { eventually, type Harness, startHarness } from '../support/wecom-service.ts';

async function start(database: DatabaseKind, scripted = handoffBrain()) {
  const h = await startHarness({ database, brain: scripted });
  const staff = (email: string, role: StaffRole) => staffMember(h, email, role);
  const api = (who: Credentials, method: string, path: string, body?: unknown) => call(h.baseUrl, method, path, { ...who, body });
  return { h, staff, api, brain: scripted };
}

/** The customer asks for a person: the bot says so, and the conversation waits. */
async function waitingConversation(h: Harness, customer: string): Promise<number> {
  const before = h.wecom.delivered.length;
  await h.sendText(customer, '我要人工');
  await h.wecom.waitForDelivered(before + 1);
  return eventually(async () => {
    const [row] = await h.service.db.select().from(conversations).where(eq(conversations.status, 'needs_human'));
    return row?.id;
  });
}

const auditOf = (h: Harness, id: number) =>
  h.service.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.objectType, 'conversation'), eq(auditLog.objectId, String(id))))
    .orderBy(auditLog.id);

const settle = () => new Promise((r) => setTimeout(r, 400));

for (const database of DATABASE_KINDS) {
  test.serial(
    `${database}: an agent takes a waiting conversation from the inbox, replies through WeCom once, and resolving it lets the bot answer again`,
    async (t) => {
      const { h, staff, api, brain } = await start(database);
      t.teardown(() => h.close());
      const agent = await staff('agent@example.com', 'agent');
      const id = await waitingConversation(h, 'zhaoliu');

      const inbox = (await (await api(agent, 'GET', '/api/conversations?status=needs_human')).json()) as {
        conversations: Array<{ id: number; status: string; handoffReason: string; waitingSince: string | null; channel: string }>;
      };
      t.deepEqual(
        inbox.conversations.map((c) => [c.id, c.status, c.handoffReason, c.channel]),
        [[id, 'needs_human', 'customer_asked', 'wecom']],
      );
      t.truthy(inbox.conversations[0]!.waitingSince);

      t.is((await api(agent, 'POST', `/api/conversations/${id}/assign`, { assignee: 'me' })).status, 204);
      const [assigned] = await h.service.db.select().from(conversations).where(eq(conversations.id, id));
      t.deepEqual([assigned!.status, assigned!.assignee], ['human', String(agent.id)]);
      const audits = await auditOf(h, id);
      t.deepEqual(
        audits.map((a) => [a.action, a.actorId]),
        [['conversation.assign', agent.id]],
      );

      const reply = await api(agent, 'POST', `/api/conversations/${id}/messages`, { text: '您好，我是客服小王' });
      t.is(reply.status, 201, await reply.clone().text());
      t.is((await api(agent, 'POST', `/api/conversations/${id}/notes`, { text: '客户很着急' })).status, 201);
      await h.wecom.waitForDelivered(2);
      await eventually(async () => (await h.service.db.select().from(deliveries)).every((d) => d.status === 'sent'), 30_000, 'reply sent');
      await settle();
      t.deepEqual(h.wecom.deliveredTo('zhaoliu'), [HANDOFF_TEXT, '您好，我是客服小王'], 'the reply once, the note never');

      // While a person holds it, the customer's messages wait for that person: no bot answer.
      await h.sendText('zhaoliu', '好的，谢谢');
      await eventually(
        async () => (await h.service.db.select().from(messages).where(eq(messages.status, 'held'))).some((m) => m.text === '好的，谢谢'),
        5000,
        'message held',
      );
      await settle();
      t.is(h.wecom.deliveredTo('zhaoliu').length, 2);
      t.is(brain.calls.length, 1, 'the bot was asked once: before the handoff');

      const history = (await (await api(agent, 'GET', `/api/conversations/${id}/messages`)).json()) as {
        messages: Array<{ sender: string; kind: string; text: string; staff: { id: number } | null }>;
      };
      t.deepEqual(
        history.messages.map((m) => [m.sender, m.kind, m.text, m.staff?.id ?? null]),
        [
          ['customer', 'text', '我要人工', null],
          ['bot', 'text', HANDOFF_TEXT, null],
          ['agent', 'text', '您好，我是客服小王', agent.id],
          ['agent', 'note', '客户很着急', agent.id],
          ['customer', 'text', '好的，谢谢', null],
        ],
      );
      t.is((await h.service.db.select().from(deliveries)).length, 2, 'the note has no delivery');

      t.is((await api(agent, 'POST', `/api/conversations/${id}/resolve`)).status, 204);
      await h.sendText('zhaoliu', '多久发货');
      await h.wecom.waitForDelivered(3);
      t.deepEqual(h.wecom.deliveredTo('zhaoliu').slice(2), ['答：多久发货']);
      t.deepEqual(
        brain.calls.at(-1)!.history,
        ['customer: 我要人工', `bot: ${HANDOFF_TEXT}`, 'agent: 您好，我是客服小王', 'customer: 好的，谢谢'],
        'the bot remembers the person’s turns, not the note',
      );
      const actions = (await auditOf(h, id)).map((a) => a.action);
      t.deepEqual(actions, ['conversation.assign', 'conversation.reply', 'conversation.note', 'conversation.resolve']);
      // Back with the bot, the agent still reads it (their `resolved` view lists it) but no longer answers in it.
      t.is((await api(agent, 'GET', `/api/conversations/${id}`)).status, 200);
      t.is((await api(agent, 'POST', `/api/conversations/${id}/messages`, { text: '还有问题吗' })).status, 409);
    },
  );
}

test.serial('an agent cannot reply in a conversation someone else holds, and of two concurrent takeovers one gets 409', async (t) => {
  const { h, staff, api } = await start('postgres');
  t.teardown(() => h.close());
  const [first, second] = [await staff('first@example.com', 'agent'), await staff('second@example.com', 'agent')];
  const id = await waitingConversation(h, 'qianba');

  const answers = await Promise.all([first, second].map((who) => api(who, 'POST', `/api/conversations/${id}/assign`, { assignee: 'me' })));
  t.deepEqual(answers.map((a) => a.status).sort(), [204, 409]);
  const winner = answers[0]!.status === 204 ? first : second;
  const loser = winner === first ? second : first;
  const [row] = await h.service.db.select().from(conversations).where(eq(conversations.id, id));
  t.is(row!.assignee, String(winner.id));
  t.is((await h.service.db.select().from(auditLog).where(eq(auditLog.action, 'conversation.assign'))).length, 1, 'one takeover audited');

  const refused = await api(loser, 'POST', `/api/conversations/${id}/messages`, { text: '我来回答' });
  t.is(refused.status, 403);
  t.is((await api(loser, 'GET', `/api/conversations/${id}`)).status, 403);
  const loserInbox = (await (await api(loser, 'GET', '/api/conversations')).json()) as { conversations: unknown[] };
  t.deepEqual(loserInbox.conversations, [], 'an agent sees neither others’ conversations in the inbox');
  t.is((await api(loser, 'POST', `/api/conversations/${id}/assign`, { assignee: winner.id })).status, 403, 'agents assign only themselves');

  const supervisor = await staff('boss@example.com', 'supervisor');
  t.is((await api(supervisor, 'POST', `/api/conversations/${id}/assign`, { assignee: loser.id })).status, 204, 'a supervisor transfers it');
  t.is((await api(loser, 'POST', `/api/conversations/${id}/messages`, { text: '我来回答' })).status, 201);
  await h.wecom.waitForDelivered(2);
  await settle();
  t.deepEqual(h.wecom.deliveredTo('qianba'), [HANDOFF_TEXT, '我来回答']);

  t.is((await api(winner, 'POST', `/api/conversations/${id}/close`)).status, 403, 'no longer the winner’s to close');
  t.is((await api(loser, 'POST', `/api/conversations/${id}/close`)).status, 204);
  const [closed] = await h.service.db.select().from(conversations).where(eq(conversations.id, id));
  t.is(closed!.status, 'closed');
  t.deepEqual(
    (await auditOf(h, id)).map((a) => [a.action, a.actorId]),
    [
      ['conversation.assign', winner.id],
      ['conversation.assign', supervisor.id],
      ['conversation.reply', loser.id],
      ['conversation.close', loser.id],
    ],
  );
});

test.serial('a takeover while the bot is thinking wins: the bot’s answer is dropped, and the message waits for the person', async (t) => {
  let release!: () => void;
  const thinking = new ScriptedBrain({ until: new Promise<void>((r) => (release = r)) });
  const { h, staff, api } = await start('postgres', thinking);
  t.teardown(() => h.close());
  const supervisor = await staff('boss@example.com', 'supervisor');
  await h.sendText('sunjiu', '在吗');
  await eventually(async () => thinking.calls.length === 1, 30_000, 'the bot thinking');
  const [conversation] = await h.service.db.select().from(conversations);
  t.is((await api(supervisor, 'POST', `/api/conversations/${conversation!.id}/assign`, { assignee: 'me' })).status, 204);
  // The bot finishes its answer only now, with the person already holding the conversation.
  release();
  t.is((await api(supervisor, 'POST', `/api/conversations/${conversation!.id}/messages`, { text: '在的，请讲' })).status, 201);
  // The person's reply is sent by a turn of the same conversation, under the same lock: once it
  // is out, the bot's turn is over.
  await h.wecom.waitForDelivered(1);
  const [asked] = await eventually(async () => {
    const rows = await h.service.db.select().from(messages).where(eq(messages.text, '在吗'));
    return rows[0]?.status === 'held' && rows;
  });
  t.is(asked!.status, 'held', 'the message waits for the person');
  t.deepEqual(
    (await h.service.db.select().from(messages).where(eq(messages.sender, 'bot'))).map((m) => m.text),
    [],
    'no bot reply stored',
  );
  t.deepEqual(h.wecom.deliveredTo('sunjiu'), ['在的，请讲'], 'the bot said nothing');
  t.is(thinking.calls.length, 1, 'the bot was not asked again');
});

test.serial(
  'the inbox lists those waiting first, longest wait first, then the rest; pages by cursor; filters by status and channel',
  async (t) => {
    const { h, staff, api } = await start('pglite');
    t.teardown(() => h.close());
    const supervisor = await staff('boss@example.com', 'supervisor');
    const agent = await staff('agent@example.com', 'agent');
    const first = await waitingConversation(h, 'early');
    await h.sendText('chatty', '你好');
    await h.wecom.waitForDelivered(2);
    await h.sendText('late', '转人工');
    await h.wecom.waitForDelivered(3);
    const second = await eventually(async () => {
      const rows = await h.service.db.select().from(conversations).where(eq(conversations.status, 'needs_human'));
      return rows.find((r) => r.id !== first)?.id;
    });
    const [chatty] = await h.service.db.select().from(conversations).where(eq(conversations.status, 'bot'));

    type Page = { conversations: Array<{ id: number }>; nextCursor: string | null };
    const pages: number[][] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=1&cursor=${cursor}` : '?limit=1';
      const page = (await (await api(supervisor, 'GET', `/api/conversations${query}`)).json()) as Page;
      pages.push(page.conversations.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    t.deepEqual(pages, [[first], [second], [chatty!.id]]);

    const ids = async (who: Credentials, query: string) =>
      ((await (await api(who, 'GET', `/api/conversations${query}`)).json()) as Page).conversations.map((c) => c.id);
    t.deepEqual(await ids(supervisor, '?status=bot'), [chatty!.id]);
    t.deepEqual(await ids(supervisor, '?channel=wecom&account=default'), [first, second, chatty!.id]);
    t.deepEqual(await ids(supervisor, '?channel=wechat-mp'), []);
    t.deepEqual(await ids(agent, ''), [first, second], 'an agent sees those waiting, not the bot’s');
    t.is((await api(supervisor, 'GET', '/api/conversations?cursor=bm90LWEtY3Vyc29y')).status, 400);
    // Text PostgreSQL cannot hold is refused where it enters, not by the database as a 500.
    for (const query of ['?channel=%00', '?channel=wecom&account=a%00b']) {
      const refused = await api(supervisor, 'GET', `/api/conversations${query}`);
      t.is(refused.status, 400, query);
      t.like(await refused.json(), { error: 'invalid_text' });
    }
  },
);

test.serial('waiting and first-response times reach /metrics by channel, and the waiting gauge counts those waiting now', async (t) => {
  const { h, staff, api } = await start('postgres');
  t.teardown(() => h.close());
  const agent = await staff('agent@example.com', 'agent');
  const scrape = async () => (await fetch(`${h.baseUrl}/metrics`)).text();
  const id = await waitingConversation(h, 'zhouba');
  t.regex(await scrape(), /kefu_conversations_waiting\{channel="wecom"\} 1/);

  t.is((await api(agent, 'POST', `/api/conversations/${id}/assign`, { assignee: 'me' })).status, 204);
  const afterTakeover = await scrape();
  t.regex(afterTakeover, /kefu_handoff_wait_seconds_count\{channel="wecom"\} 1/);
  t.regex(afterTakeover, /kefu_conversations_waiting\{channel="wecom"\} 0/);
  t.notRegex(afterTakeover, /kefu_first_response_seconds_count\{channel="wecom"\}/, 'no reply yet');

  for (const text of ['您好，我来帮您', '请问订单号是多少？'])
    t.is((await api(agent, 'POST', `/api/conversations/${id}/messages`, { text })).status, 201);
  t.regex(await scrape(), /kefu_first_response_seconds_count\{channel="wecom"\} 1/, 'the first reply only');
});
