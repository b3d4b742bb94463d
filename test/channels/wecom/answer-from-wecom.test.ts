import test from 'ava';
import { and, eq } from 'drizzle-orm';
import { auditLog, conversations, customers } from '../../../src/db/schema.ts';
import { DATABASE_KINDS } from '../../support/databases.ts';
import { handoffBrain, staffMember } from '../../support/staff-members.ts';
import { WebVisitor } from '../../support/web-visitor.ts';
import { eventually, type Harness, startHarness } from '../../support/wecom-service.ts';

const NOTIFY_ENV = { AGENT_NOTIFY_WECOM: '1' };

/** A web visitor who asked for a person, once the on-duty agents have been told. */
async function waitingVisitor(h: Harness) {
  const visitor = new WebVisitor(h.baseUrl);
  await visitor.startSession();
  await visitor.send('我要人工');
  const id = await eventually(async () => {
    const rows = await h.service.db.select().from(conversations).where(eq(conversations.status, 'needs_human'));
    return rows.at(-1)?.id;
  });
  await eventually(async () => h.wecom.delivered.some((d) => d.content.startsWith(`【待人工】#${id} `)));
  return { visitor, id };
}

const answersTo = (h: Harness, user: string) => h.wecom.deliveredTo(user).filter((c) => !c.startsWith('【待人工】'));

for (const database of DATABASE_KINDS) {
  test.serial(
    `${database}: an agent answers the notice from WeCom: the conversation is theirs, the web visitor gets the reply, and "#id 结束" hands it back`,
    async (t) => {
      const h = await startHarness({ database, brain: handoffBrain(), env: NOTIFY_ENV });
      t.teardown(() => h.close());
      const agent = await staffMember(h, 'zhang@example.com', 'admin', { wecomUserId: 'zhangsan', onDuty: true });
      const { visitor, id } = await waitingVisitor(h);

      // A plain text answers the conversation this agent was last told of.
      t.is((await h.sendText('zhangsan', '您好，我是客服张三，马上帮您查')).status, 200);
      await eventually(async () =>
        (await visitor.history()).some((m) => m.from === 'agent' && m.text === '您好，我是客服张三，马上帮您查'),
      );
      const [held] = await h.service.db.select().from(conversations).where(eq(conversations.id, id));
      t.deepEqual([held!.status, held!.assignee], ['human', String(agent.id)]);
      await eventually(async () => answersTo(h, 'zhangsan').length === 1);
      t.deepEqual(answersTo(h, 'zhangsan'), [`已回复 #${id}`]);

      t.is((await h.sendText('zhangsan', `#${id} 结束`)).status, 200);
      await eventually(async () => answersTo(h, 'zhangsan').length === 2);
      t.is(answersTo(h, 'zhangsan')[1], `#${id} 已交回机器人`);
      const [resolved] = await h.service.db.select().from(conversations).where(eq(conversations.id, id));
      t.deepEqual([resolved!.status, resolved!.assignee], ['bot', null]);

      const audits = await h.service.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.objectType, 'conversation'), eq(auditLog.objectId, String(id))))
        .orderBy(auditLog.id);
      t.deepEqual(
        audits.map((a) => [a.action, a.actorId, a.details.via]),
        [
          ['conversation.assign', agent.id, 'wecom'],
          ['conversation.reply', agent.id, 'wecom'],
          ['conversation.resolve', agent.id, 'wecom'],
        ],
      );
      // The agent's messages were never a customer's: no WeCom customer exists for them.
      t.deepEqual(await h.service.db.select().from(customers).where(eq(customers.externalId, 'zhangsan')), []);
    },
  );
}

test.serial('a member of the app linked to no staff account is a customer: the bot answers them', async (t) => {
  const h = await startHarness({ database: 'postgres', brain: handoffBrain(), env: NOTIFY_ENV });
  t.teardown(() => h.close());
  await staffMember(h, 'zhang@example.com', 'admin', { wecomUserId: 'zhangsan', onDuty: true });
  t.is((await h.sendText('employee7', '年假怎么申请')).status, 200);
  const [reply] = await h.wecom.waitForDelivered(1);
  t.deepEqual([reply!.touser, reply!.content], ['employee7', '答：年假怎么申请']);
});

test.serial(
  'an agent replying to a conversation another agent holds is refused in WeCom, and the customer gets nothing from them',
  async (t) => {
    const h = await startHarness({ database: 'postgres', brain: handoffBrain(), env: NOTIFY_ENV });
    t.teardown(() => h.close());
    const admin = await staffMember(h, 'admin@example.com', 'admin');
    const zhang = await staffMember(h, 'zhang@example.com', 'agent', { wecomUserId: 'zhangsan', onDuty: true, admin });
    await staffMember(h, 'li@example.com', 'agent', { wecomUserId: 'lisi', onDuty: true, admin });
    const { visitor, id } = await waitingVisitor(h);

    t.is((await h.sendText('zhangsan', `#${id} 我来处理`)).status, 200);
    await eventually(async () => answersTo(h, 'zhangsan').length === 1);
    t.is((await h.sendText('lisi', `＃${id} 我也来`)).status, 200);
    await eventually(async () => answersTo(h, 'lisi').length === 1);
    t.is(answersTo(h, 'lisi')[0], `#${id} 未回复：由其他同事处理中`);
    t.is((await h.sendText('lisi', '#999999 你好')).status, 200);
    await eventually(async () => answersTo(h, 'lisi').length === 2);
    t.is(answersTo(h, 'lisi')[1], '#999999 未回复：没有这个对话');

    const [held] = await h.service.db.select().from(conversations).where(eq(conversations.id, id));
    t.is(held!.assignee, String(zhang.id));
    const agentLines = (await visitor.history()).filter((m) => m.from === 'agent').map((m) => m.text);
    t.deepEqual(agentLines, ['我来处理']);
  },
);

test.serial('a WeCom retry of the same staff message replies once', async (t) => {
  const h = await startHarness({ database: 'postgres', brain: handoffBrain(), env: NOTIFY_ENV });
  t.teardown(() => h.close());
  await staffMember(h, 'zhang@example.com', 'admin', { wecomUserId: 'zhangsan', onDuty: true });
  const { visitor, id } = await waitingVisitor(h);
  const msgId = '7000000000000000001';
  t.is((await h.sendText('zhangsan', `#${id} 只发一次`, msgId)).status, 200);
  t.is((await h.sendText('zhangsan', `#${id} 只发一次`, msgId)).status, 200);
  await eventually(async () => answersTo(h, 'zhangsan').length === 1);
  await eventually(async () => (await visitor.history()).some((m) => m.from === 'agent'));
  const replies = await h.service.db.select().from(auditLog).where(eq(auditLog.action, 'conversation.reply'));
  t.is(replies.length, 1);
});
