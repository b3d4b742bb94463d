import test from 'ava';
import { assignConversation } from '../../src/conversations/assign-conversation.ts';
import { closeConversation } from '../../src/conversations/close-conversation.ts';
import { saveCustomerProfile } from '../../src/conversations/customer-profiles.ts';
import { call, logIn, seedUser, startConsoleApp } from '../support/console-api.ts';
import { customerWrites, waitForPerson } from '../support/conversation-fixtures.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { recordConversationEvents } from '../support/conversation-event-recorder.ts';

interface Panel {
  id: number;
  channel: string;
  account: string;
  externalId: string;
  displayName: string | null;
  profile: Record<string, unknown>;
  firstSeenAt: string;
  lastSeenAt: string;
  tags: string[];
  conversations: Array<{ id: number; status: string; createdAt: string; lastMessageAt: string; handoffReason: string | null }>;
}

const system = { actorId: null, sourceIp: null };

for (const kind of DATABASE_KINDS) {
  test(`${kind}: the customer panel shows the channel, the platform's profile and past conversations newest first`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    const lead = await seedUser(app.database, 'lead@example.com', 'supervisor');
    const db = app.database.db;
    const first = await customerWrites(db, { channel: 'wecom-kf', account: 'shop', customer: 'wmAbc123', text: '发票怎么开' });
    await saveCustomerProfile(db, first.customerId, '小明', { avatar: 'https://wework.qpic.cn/a.png', gender: 1 });
    await waitForPerson(db, first.conversationId, 'no_answer');
    await closeConversation(
      { db, events: recordConversationEvents() },
      { userId: lead.id, role: 'supervisor' },
      first.conversationId,
      system,
    );
    const second = await customerWrites(db, { channel: 'wecom-kf', account: 'shop', customer: 'wmAbc123', text: '还有一个问题' });
    t.is(second.customerId, first.customerId);
    t.not(second.conversationId, first.conversationId, 'closing made the next message open a new conversation');

    const session = await logIn(app.baseUrl, 'lead@example.com');
    const response = await call(app.baseUrl, 'GET', `/api/customers/${first.customerId}`, session);
    t.is(response.status, 200);
    const panel = (await response.json()) as Panel;
    t.like(panel, {
      id: first.customerId,
      channel: 'wecom-kf',
      account: 'shop',
      externalId: 'wmAbc123',
      displayName: '小明',
      profile: { avatar: 'https://wework.qpic.cn/a.png', gender: 1 },
      tags: [],
    });
    t.true(Date.parse(panel.firstSeenAt) <= Date.parse(panel.lastSeenAt));
    t.deepEqual(
      panel.conversations.map((c) => [c.id, c.status, c.handoffReason]),
      [
        [second.conversationId, 'bot', null],
        [first.conversationId, 'closed', 'no_answer'],
      ],
    );
    t.false(JSON.stringify(panel).includes('发票怎么开'), 'the panel lists conversations, not what was said in them');

    const missing = await call(app.baseUrl, 'GET', '/api/customers/999999', session);
    t.is(missing.status, 404);
    t.is(((await missing.json()) as { error: string }).error, 'not_found');
    t.is((await call(app.baseUrl, 'GET', '/api/customers/abc', session)).status, 400);
  });

  test(`${kind}: an agent sees the panel of a customer whose conversation waits for a person or is theirs, and no other customer's`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    const wang = await seedUser(app.database, 'wang@example.com', 'agent');
    await seedUser(app.database, 'li@example.com', 'agent');
    await seedUser(app.database, 'admin@example.com', 'admin');
    const db = app.database.db;
    const waiting = await customerWrites(db, { customer: 'waiting', text: '我要人工' });
    await waitForPerson(db, waiting.conversationId);
    const withBot = await customerWrites(db, { channel: 'web', customer: 'u:10086', text: '多久发货' });

    const wangSession = await logIn(app.baseUrl, 'wang@example.com');
    const liSession = await logIn(app.baseUrl, 'li@example.com');
    const admin = await logIn(app.baseUrl, 'admin@example.com');
    const panel = (who: typeof admin, customerId: number) => call(app.baseUrl, 'GET', `/api/customers/${customerId}`, who);

    t.is((await panel(wangSession, waiting.customerId)).status, 200, 'waiting for a person: every agent may take it');
    t.is((await panel(liSession, waiting.customerId)).status, 200);
    const refused = await panel(wangSession, withBot.customerId);
    t.is(refused.status, 403, 'a customer the bot is serving is not an agent’s to look up');
    t.is(((await refused.json()) as { error: string }).error, 'forbidden');
    t.like(await (await panel(admin, withBot.customerId)).json(), { channel: 'web', externalId: 'u:10086' }, 'admins see every customer');

    await assignConversation(
      { db, events: recordConversationEvents() },
      { userId: wang.id, role: 'agent' },
      { conversationId: waiting.conversationId, assignee: wang.id },
      system,
    );
    t.is((await panel(wangSession, waiting.customerId)).status, 200, 'the agent holding the conversation');
    t.is((await panel(liSession, waiting.customerId)).status, 403, 'another agent, once it is taken');
    await closeConversation({ db, events: recordConversationEvents() }, { userId: wang.id, role: 'agent' }, waiting.conversationId, system);
    t.is((await panel(wangSession, waiting.customerId)).status, 200, 'a closed conversation stays its assignee’s to see');
  });
}
