import test from 'ava';
import { and, eq } from 'drizzle-orm';
import type { Service } from '../../../src/composition.ts';
import { auditLog, conversations, deliveries, messages, wecomKfSyncState } from '../../../src/db/schema.ts';
import { FakeWecomKfApi } from '../../../src/simulator/fake-wecom-kf-api.ts';
import { callJson, type SignedIn, signedInStaff } from '../../support/console-api.ts';
import { RecordedEvents } from '../../support/recorded-events.ts';
import { HANDOFF_TEXT } from '../../support/staff-members.ts';
import { EchoBrain, startChannelService } from '../../support/wechat-family-service.ts';
import { eventually } from '../../support/wecom-service.ts';

/**
 * The agent's loop on 微信客服, through the console API, on the real service with PostgreSQL and
 * Redis, WeCom faked on loopback. While our console answers, the session stays in state 1 and
 * kf/send_msg counts its 5 messages per customer message. Handed to a servicer on duty, the
 * session goes to state 3: the servicer answers in the WeCom client (origin 5), and ending the
 * session there (session_status_change 3) gives the customer back to the bot.
 */
const corp = {
  corpId: 'wwkfloop0001',
  secret: 'kf-loop-secret',
  token: 'kflooptoken',
  encodingAesKey: 'loopkfloopkfloopkfloopkfloopkfloopkfloopkfl',
};
const KF = 'wkLOOP0001';
const kf = new FakeWecomKfApi({ corpId: corp.corpId, secret: corp.secret, callbackToken: corp.token, encodingAesKey: corp.encodingAesKey });
const brain = new EchoBrain();
const events = new RecordedEvents();
let service: Service;
let baseUrl: string;
let close: () => Promise<void>;
let agent: SignedIn;
let supervisor: SignedIn;

test.before(async () => {
  const apiBase = await kf.listen();
  ({ service, baseUrl, close } = await startChannelService(
    'kf-agent',
    {
      WECOM_KF_CORP_ID: corp.corpId,
      WECOM_KF_SECRET: corp.secret,
      WECOM_KF_TOKEN: corp.token,
      WECOM_KF_ENCODING_AES_KEY: corp.encodingAesKey,
      WECOM_KF_API_BASE: apiBase,
      HOLD_NOTICE_INTERVAL_MS: '0',
    },
    brain,
    events,
  ));
  agent = await signedInStaff(baseUrl, service.db, 'agent@example.com', 'agent');
  supervisor = await signedInStaff(baseUrl, service.db, 'boss@example.com', 'supervisor');
  kf.setServicers(KF, [
    { userid: 'lisi', status: 0 },
    { userid: 'wangwu', status: 1 },
  ]);
});

test.after.always(async () => {
  await close?.();
  await kf.close();
});

const notify = async () => {
  const res = await kf.notify(`${baseUrl}/callbacks/wecom-kf/default`, KF);
  if (res.status !== 200) throw new Error(`callback answered ${res.status}`);
};
const as =
  (who: SignedIn) =>
  <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
    callJson<T>(baseUrl, who, method, path, body);

/** The customer asks for a person; the agent takes the conversation from the inbox. */
async function takenConversation(externalUserId: string): Promise<number> {
  kf.customerSays(KF, externalUserId, '我要人工');
  await notify();
  await kf.waitFor(() => kf.deliveredTo(externalUserId).length === 1);
  const id = await eventually(async () => {
    const inbox = await as(agent)<{ conversations: Array<{ id: number; customer: { externalId: string } }> }>(
      'GET',
      '/api/conversations?status=needs_human',
    );
    return inbox.body.conversations.find((c) => c.customer.externalId === `${KF}/${externalUserId}`)?.id;
  });
  const taken = await as(agent)('POST', `/api/conversations/${id}/assign`, { assignee: 'me' });
  if (taken.status !== 204) throw new Error(`assign answered ${taken.status}`);
  return id;
}

const conversationRow = async (id: number) => (await service.db.select().from(conversations).where(eq(conversations.id, id)))[0]!;
const windowOf = async (who: SignedIn, id: number) =>
  (await as(who)<{ replyWindow: Record<string, unknown> }>('GET', `/api/conversations/${id}`)).body.replyWindow;

test.serial('in state 1 the agent replies through kf/send_msg, resolves, and the bot answers the next question', async (t) => {
  const id = await takenConversation('wm-loop');
  t.is(kf.serviceState(KF, 'wm-loop'), 1, 'the handoff left the session with the smart assistant');
  t.like(await windowOf(agent, id), { open: true, remaining: 4, limit: 5, reason: null });

  t.is((await as(agent)('POST', `/api/conversations/${id}/messages`, { text: '您好，我是客服小王' })).status, 201);
  await kf.waitFor(() => kf.deliveredTo('wm-loop').length === 2);
  t.deepEqual(kf.deliveredTo('wm-loop'), [HANDOFF_TEXT, '您好，我是客服小王']);

  t.is((await as(agent)('POST', `/api/conversations/${id}/resolve`)).status, 204);
  kf.customerSays(KF, 'wm-loop', '多久发货');
  await notify();
  await kf.waitFor(() => kf.deliveredTo('wm-loop').length === 3);
  t.is(kf.deliveredTo('wm-loop')[2], '答：多久发货');
});

test.serial('five kf/send_msg messages per customer message: the sixth is refused before it is stored', async (t) => {
  const id = await takenConversation('wm-quota');
  for (const n of [1, 2, 3, 4]) t.is((await as(agent)('POST', `/api/conversations/${id}/messages`, { text: `第${n}条` })).status, 201);
  t.like(await windowOf(agent, id), { open: false, remaining: 0, limit: 5, reason: 'quota_spent' });
  const refused = await as(agent)<{ error: string }>('POST', `/api/conversations/${id}/messages`, { text: '第5条' });
  t.is(refused.status, 409);
  t.is(refused.body.error, 'reply_quota_spent');
  await kf.waitFor(() => kf.deliveredTo('wm-quota').length === 5);
  const stored = await service.db
    .select()
    .from(messages)
    .where(and(eq(messages.conversationId, id), eq(messages.sender, 'agent')));
  t.deepEqual(
    stored.map((m) => m.text),
    ['第1条', '第2条', '第3条', '第4条'],
  );

  // The customer writes again (held for the agent): five more.
  kf.customerSays(KF, 'wm-quota', '还有问题');
  await notify();
  await eventually(async () => ((await windowOf(agent, id)).remaining === 5 ? true : undefined), 30_000, 'quota renewed');
  t.is((await as(agent)('POST', `/api/conversations/${id}/messages`, { text: '请讲' })).status, 201);
  await kf.waitFor(() => kf.deliveredTo('wm-quota').includes('请讲'));
});

test.serial(
  'state 3: handed to a servicer on duty, whose WeCom-client replies (origin 5) and ending of the session are recorded; then the bot answers again',
  async (t) => {
    const id = await takenConversation('wm-vip');
    const servicers = await as(agent)<{ servicers: Array<{ userId: string }> }>('GET', `/api/conversations/${id}/servicers`);
    t.deepEqual(servicers.body.servicers, [{ userId: 'lisi' }], 'only those receiving (status 0)');

    const offDuty = await as(agent)<{ error: string }>('POST', `/api/conversations/${id}/servicer`, { servicerUserId: 'wangwu' });
    t.is(offDuty.status, 409);
    t.is(offDuty.body.error, 'servicer_not_on_duty');
    t.like(await conversationRow(id), { status: 'human', assignee: String(agent.id), servicerUserId: null }, 'nothing changed');

    t.is((await as(agent)('POST', `/api/conversations/${id}/servicer`, { servicerUserId: 'lisi' })).status, 204);
    t.like(kf.transfers.at(-1), { openKfId: KF, externalUserId: 'wm-vip', state: 3, servicerUserId: 'lisi' });
    t.like(await conversationRow(id), { status: 'human', assignee: null, servicerUserId: 'lisi' });
    const audits = await service.db.select().from(auditLog).where(eq(auditLog.action, 'conversation.hand_to_servicer'));
    t.deepEqual(
      audits.map((a) => [a.actorId, a.objectId, a.details.servicerUserId]),
      [[agent.id, String(id), 'lisi']],
    );
    t.like(await windowOf(supervisor, id), { open: false, reason: 'held_by_servicer' });
    const refused = await as(supervisor)<{ error: string }>('POST', `/api/conversations/${id}/messages`, { text: '我来回答' });
    t.is(refused.status, 409, 'our console does not send in state 3');
    t.is(refused.body.error, 'held_by_servicer');

    kf.servicerSays(KF, 'wm-vip', 'lisi', '您好，我是李四');
    kf.customerSays(KF, 'wm-vip', '谢谢');
    await notify();
    await eventually(
      async () => (await service.db.select().from(messages).where(eq(messages.text, '谢谢')))[0]?.status === 'held' || undefined,
    );

    kf.servicerChangesSession(KF, 'wm-vip', 3, 'lisi');
    await notify();
    await eventually(async () => ((await conversationRow(id)).status === 'bot' ? true : undefined), 30_000, 'back to the bot');
    t.like(await conversationRow(id), { assignee: null, servicerUserId: null });

    // The same sync_msg pages read again (a replay from the start): nothing is recorded twice.
    await service.db.update(wecomKfSyncState).set({ cursor: null });
    await notify();
    await eventually(async () => {
      const [state] = await service.db.select().from(wecomKfSyncState).where(eq(wecomKfSyncState.openKfId, KF));
      return state!.syncedGeneration === state!.requestedGeneration || undefined;
    });

    const history = await as(supervisor)<{
      messages: Array<{ sender: string; kind: string; text: string; status: string; meta: Record<string, unknown> }>;
    }>('GET', `/api/conversations/${id}/messages`);
    t.deepEqual(
      history.body.messages.map((m) => [m.sender, m.kind, m.text, m.status]),
      [
        ['customer', 'text', '我要人工', 'answered'],
        ['bot', 'text', HANDOFF_TEXT, 'sent'],
        ['system', 'event', '已转给接待人员 lisi（企业微信客户端）', 'ignored'],
        ['agent', 'text', '您好，我是李四', 'sent'],
        ['customer', 'text', '谢谢', 'held'],
        ['system', 'event', '接待人员 lisi 结束了会话，交回机器人', 'ignored'],
      ],
    );
    t.like(history.body.messages[3]!.meta, { servicerUserId: 'lisi' });
    const servicerReply = (await service.db.select().from(messages).where(eq(messages.text, '您好，我是李四')))[0]!;
    t.deepEqual(await service.db.select().from(deliveries).where(eq(deliveries.messageId, servicerReply.id)), [], 'WeCom delivered it');
    t.false(brain.sawText('谢谢'), 'the bot does not answer while a servicer has the session');
    // Every change is told, by the intake and the worker (the customer's messages, the handoff) as by
    // the servicer's activity (taken in the client, their reply, the end).
    t.deepEqual(events.of(id), [
      { change: 'message', status: 'bot' },
      { change: 'waiting', status: 'needs_human' },
      { change: 'assigned', status: 'human' },
      { change: 'assigned', status: 'human' },
      { change: 'message', status: 'human' },
      { change: 'message', status: 'human' },
      { change: 'resolved', status: 'bot' },
    ]);

    kf.customerSays(KF, 'wm-vip', '多久发货');
    await notify();
    await kf.waitFor(() => kf.deliveredTo('wm-vip').includes('答：多久发货'));
    t.is(kf.serviceState(KF, 'wm-vip'), 1, 'the ended session reopened (0) and the bot took it (1)');
  },
);

test.serial('the servicer routes check the caller and their input', async (t) => {
  const id = (await service.db.select({ id: conversations.id }).from(conversations).limit(1))[0]!.id;
  t.is((await callJson(baseUrl, {}, 'GET', `/api/conversations/${id}/servicers`)).status, 401);
  const marketer = await signedInStaff(baseUrl, service.db, 'mkt@example.com', 'marketer');
  t.is((await as(marketer)('POST', `/api/conversations/${id}/servicer`, { servicerUserId: 'lisi' })).status, 403);
  t.is((await as(supervisor)('GET', '/api/conversations/999999/servicers')).status, 404);
  t.is((await as(supervisor)('POST', `/api/conversations/${id}/servicer`, { servicerUserId: '' })).status, 400);
});
