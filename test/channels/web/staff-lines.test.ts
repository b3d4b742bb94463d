import test from 'ava';
import { eq } from 'drizzle-orm';
import { conversations, messages } from '../../../src/db/schema.ts';
import { call } from '../../support/console-api.ts';
import { DATABASE_KINDS } from '../../support/databases.ts';
import { HANDOFF_TEXT, handoffBrain, staffMember } from '../../support/staff-members.ts';
import { WebVisitor } from '../../support/web-visitor.ts';
import { eventually, startHarness } from '../../support/wecom-service.ts';

const lines = (messages: Array<{ from: string; text: string }>) => messages.map((m) => [m.from, m.text]);

for (const database of DATABASE_KINDS) {
  test.serial(
    `${database}: the visitor's stream shows "人工客服 <name> 已接入" when an agent takes the conversation and "已转回智能助手" when it is resolved, and both stay in the history`,
    async (t) => {
      const h = await startHarness({ database, brain: handoffBrain() });
      t.teardown(() => h.close());
      const agent = await staffMember(h, 'xiaowang@example.com', 'agent');
      await h.service.db.execute(`update staff_users set display_name = '小王' where id = ${agent.id}`);
      const api = (method: string, path: string, body?: unknown) => call(h.baseUrl, method, path, { ...agent, body });

      const visitor = new WebVisitor(h.baseUrl);
      await visitor.startSession();
      const stream = await visitor.stream({ lastEventId: 0 });
      t.teardown(() => stream.close());
      await visitor.send('我要人工');
      const id = await eventually(async () => {
        const [row] = await h.service.db.select().from(conversations).where(eq(conversations.status, 'needs_human'));
        return row?.id;
      });

      t.is((await api('POST', `/api/conversations/${id}/assign`, { assignee: 'me' })).status, 204);
      await stream.waitFor((e) => e.some((x) => x.event === 'message' && x.data.from === 'system'), 30_000, 'the joined line');
      t.is((await api('POST', `/api/conversations/${id}/messages`, { text: '您好' })).status, 201);
      t.is((await api('POST', `/api/conversations/${id}/resolve`)).status, 204);
      await stream.waitFor((e) => e.filter((x) => x.event === 'message' && x.data.from === 'system').length === 2, 30_000, 'the left line');

      const expected = [
        ['customer', '我要人工'],
        ['bot', HANDOFF_TEXT],
        ['system', '人工客服 小王 已接入'],
        ['agent', '您好'],
        ['system', '已转回智能助手'],
      ];
      t.deepEqual(lines(stream.messages()), expected);
      t.deepEqual(lines(await visitor.history()), expected, 'after a reload too');
      t.notRegex(JSON.stringify(stream.events), /xiaowang@example\.com/, 'the name, never the email');
    },
  );
}

test.serial('a WeCom customer is not sent the joined and left lines: each message there counts', async (t) => {
  const h = await startHarness({ database: 'postgres', brain: handoffBrain() });
  t.teardown(() => h.close());
  const agent = await staffMember(h, 'xiaowang@example.com', 'agent');
  const api = (method: string, path: string, body?: unknown) => call(h.baseUrl, method, path, { ...agent, body });
  await h.sendText('zhaoliu', '我要人工');
  const id = await eventually(async () => {
    const [row] = await h.service.db.select().from(conversations).where(eq(conversations.status, 'needs_human'));
    return row?.id;
  });
  t.is((await api('POST', `/api/conversations/${id}/assign`, { assignee: 'me' })).status, 204);
  t.is((await api('POST', `/api/conversations/${id}/messages`, { text: '您好' })).status, 201);
  t.is((await api('POST', `/api/conversations/${id}/resolve`)).status, 204);
  await h.wecom.waitForDelivered(2);
  const stored = await h.service.db.select().from(messages).where(eq(messages.conversationId, id));
  t.deepEqual(
    stored.map((m) => m.sender),
    ['customer', 'bot', 'agent'],
    'no system line stored',
  );
  t.deepEqual(h.wecom.deliveredTo('zhaoliu'), [HANDOFF_TEXT, '您好']);
});
