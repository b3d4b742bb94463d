import test from 'ava';
import { assignConversation } from '../../src/conversations/assign-conversation.ts';
import { saveCustomerProfile } from '../../src/conversations/customer-profiles.ts';
import { call, logIn, rowsOf, seedUser, startConsoleApp } from '../support/console-api.ts';
import { customerWrites, waitForPerson } from '../support/conversation-fixtures.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { recordConversationEvents } from '../support/conversation-event-recorder.ts';

interface QuickReply {
  id: number;
  title: string;
  text: string;
  shortcut: string | null;
  createdBy: number | null;
}

for (const kind of DATABASE_KINDS) {
  test(`${kind}: a supervisor adds, changes and removes quick replies, each step audited, and agents find them by title, shortcut or text`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    const supervisor = await seedUser(app.database, 'lead@example.com', 'supervisor');
    await seedUser(app.database, 'agent@example.com', 'agent');
    const lead = await logIn(app.baseUrl, 'lead@example.com');
    const agent = await logIn(app.baseUrl, 'agent@example.com');
    const add = async (body: object) => {
      const response = await call(app.baseUrl, 'POST', '/api/quick-replies', { ...lead, body });
      t.is(response.status, 201, await response.clone().text());
      return (await response.json()) as QuickReply;
    };
    const refund = await add({ title: '退款流程', text: '{客户名}您好，退款将在 3 个工作日内原路退回。', shortcut: '/退款' });
    const shipping = await add({ title: '发货时间', text: '下单后 48 小时内发货。' });
    t.like(refund, { title: '退款流程', shortcut: '/退款', createdBy: supervisor.id });
    t.is(shipping.shortcut, null);

    const search = async (q?: string) => {
      const path = q === undefined ? '/api/quick-replies' : `/api/quick-replies?q=${encodeURIComponent(q)}`;
      const response = await call(app.baseUrl, 'GET', path, agent);
      t.is(response.status, 200);
      return ((await response.json()) as { quickReplies: QuickReply[] }).quickReplies.map((r) => r.title);
    };
    t.deepEqual(await search(), ['退款流程', '发货时间'], 'those with a shortcut first');
    t.deepEqual(await search('/退'), ['退款流程'], 'by shortcut');
    t.deepEqual(await search('48 小时'), ['发货时间'], 'by text');
    t.deepEqual(await search('发货'), ['发货时间'], 'by title');
    t.deepEqual(await search('%'), [], 'a percent sign matches itself, not everything');

    const changed = await call(app.baseUrl, 'PATCH', `/api/quick-replies/${shipping.id}`, {
      ...lead,
      body: { text: '下单后 24 小时内发货。', shortcut: '/发货' },
    });
    t.is(changed.status, 200);
    t.like(await changed.json(), { title: '发货时间', text: '下单后 24 小时内发货。', shortcut: '/发货' });
    const cleared = await call(app.baseUrl, 'PATCH', `/api/quick-replies/${refund.id}`, { ...lead, body: { shortcut: null } });
    t.like(await cleared.json(), { shortcut: null });

    t.is((await call(app.baseUrl, 'DELETE', `/api/quick-replies/${refund.id}`, lead)).status, 204);
    t.deepEqual(await search(), ['发货时间']);
    t.is((await call(app.baseUrl, 'DELETE', `/api/quick-replies/${refund.id}`, lead)).status, 404, 'gone');

    const audit = await rowsOf<{ actor_id: number; action: string; object_id: string; details: Record<string, unknown> }>(
      app.database,
      `select actor_id, action, object_id, details from audit_log where object_type = 'quick_reply' order by id`,
    );
    t.deepEqual(
      audit.map((r) => [r.actor_id, r.action, Number(r.object_id), r.details]),
      [
        [supervisor.id, 'quick_reply.create', refund.id, { title: '退款流程', shortcut: '/退款' }],
        [supervisor.id, 'quick_reply.create', shipping.id, { title: '发货时间', shortcut: null }],
        [supervisor.id, 'quick_reply.update', shipping.id, { changed: ['shortcut', 'text'], title: '发货时间', shortcut: '/发货' }],
        [supervisor.id, 'quick_reply.update', refund.id, { changed: ['shortcut'], title: '退款流程', shortcut: null }],
        [supervisor.id, 'quick_reply.delete', refund.id, { title: '退款流程', shortcut: null }],
      ],
    );
    t.false(JSON.stringify(audit).includes('原路退回'), 'the audit log names quick replies, it does not copy their text');
  });

  test(`${kind}: quick replies are refused with a clear 4xx when too long, empty, badly shortcut or clashing with another's shortcut`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    await seedUser(app.database, 'admin@example.com', 'admin');
    const admin = await logIn(app.baseUrl, 'admin@example.com');
    const post = (body: object) => call(app.baseUrl, 'POST', '/api/quick-replies', { ...admin, body });
    const refusal = async (response: Response) => [response.status, ((await response.json()) as { error: string }).error];

    t.deepEqual(await refusal(await post({ title: '标'.repeat(51), text: '好的' })), [400, 'bad_request']);
    t.deepEqual(await refusal(await post({ title: '好', text: '字'.repeat(2001) })), [400, 'bad_request']);
    t.deepEqual(await refusal(await post({ title: '  ', text: '好的' })), [400, 'bad_request']);
    t.deepEqual(
      await refusal(await post({ title: '好', text: '好的', shortcut: '退款' })),
      [400, 'bad_request'],
      'a shortcut starts with /',
    );
    t.deepEqual(await refusal(await post({ title: '好', text: '好的', shortcut: '/退 款' })), [400, 'bad_request']);
    t.deepEqual(await refusal(await post({ title: '好', text: 'a\u0000b' })), [400, 'invalid_text']);

    t.is((await post({ title: '问候', text: '您好', shortcut: '/Hi' })).status, 201);
    t.deepEqual(await refusal(await post({ title: '问候二', text: '您好呀', shortcut: '/hi' })), [409, 'shortcut_taken'], 'ignoring case');
    const other = (await (await post({ title: '再见', text: '再见' })).json()) as QuickReply;
    const patch = (body: object) => call(app.baseUrl, 'PATCH', `/api/quick-replies/${other.id}`, { ...admin, body });
    t.deepEqual(await refusal(await patch({ shortcut: '/HI' })), [409, 'shortcut_taken']);
    t.deepEqual(await refusal(await patch({})), [400, 'bad_request'], 'a change must change something');
    t.deepEqual(await refusal(await call(app.baseUrl, 'PATCH', '/api/quick-replies/999999', { ...admin, body: { title: 'x' } })), [
      404,
      'not_found',
    ]);
    const audit = await rowsOf(app.database, `select 1 from audit_log where object_type = 'quick_reply'`);
    t.is(audit.length, 2, 'refused changes leave no audit entry');
  });

  test(`${kind}: a quick reply used in a conversation names its customer and agent, only for an agent who may see the conversation`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    await seedUser(app.database, 'lead@example.com', 'supervisor');
    const wang = await seedUser(app.database, 'wang@example.com', 'agent');
    await seedUser(app.database, 'li@example.com', 'agent');
    const lead = await logIn(app.baseUrl, 'lead@example.com');
    const created = await call(app.baseUrl, 'POST', '/api/quick-replies', {
      ...lead,
      body: { title: '问候', text: '{客户名}您好，我是{客服名}，很高兴为您服务。{客户名}请稍等。' },
    });
    const { id: quickReplyId } = (await created.json()) as QuickReply;

    const db = app.database.db;
    const { conversationId, customerId } = await customerWrites(db, { customer: 'zhangsan', text: '我要人工' });
    await saveCustomerProfile(db, customerId, '张三', {});
    await waitForPerson(db, conversationId);
    const nameless = await customerWrites(db, { customer: 'lisi', text: '在吗' });
    await waitForPerson(db, nameless.conversationId);

    const wangSession = await logIn(app.baseUrl, 'wang@example.com');
    const liSession = await logIn(app.baseUrl, 'li@example.com');
    const fill = (who: typeof lead, conversation: number, reply = quickReplyId) =>
      call(app.baseUrl, 'GET', `/api/conversations/${conversation}/quick-replies/${reply}`, who);

    const waiting = await fill(liSession, conversationId);
    t.is(waiting.status, 200, 'any agent sees a conversation waiting for a person');
    t.deepEqual(await waiting.json(), { text: '张三您好，我是li，很高兴为您服务。张三请稍等。' });
    t.deepEqual(await (await fill(wangSession, nameless.conversationId)).json(), { text: '您好，我是wang，很高兴为您服务。请稍等。' });

    await assignConversation(
      { db, events: recordConversationEvents() },
      { userId: wang.id, role: 'agent' },
      { conversationId, assignee: wang.id },
      { actorId: wang.id, sourceIp: null },
    );
    t.is((await fill(wangSession, conversationId)).status, 200);
    t.is((await fill(liSession, conversationId)).status, 403, 'held by another agent');
    t.is((await fill(lead, conversationId)).status, 200, 'a supervisor sees every conversation');
    t.is((await fill(lead, conversationId, 999_999)).status, 404);
    t.is((await fill(lead, 999_999)).status, 404);
  });
}
