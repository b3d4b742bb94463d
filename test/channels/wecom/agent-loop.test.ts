import test from 'ava';
import { eq } from 'drizzle-orm';
import { conversations } from '../../../src/db/schema.ts';
import { call } from '../../support/console-api.ts';
import { HANDOFF_TEXT, handoffBrain, staffMember } from '../../support/staff-members.ts';
import { eventually, startHarness } from '../../support/wecom-service.ts';

/**
 * The whole human loop of the WeCom app through the API (issue 13, "Done when"), with the agent a
 * member of the same app: told there of the customer waiting, answering in the console.
 */
test.serial(
  'WeCom app: a member asks for 人工, the on-duty agent is told in WeCom, takes it and replies in the console, resolves, and the bot answers the next question',
  async (t) => {
    const brain = handoffBrain();
    const h = await startHarness({
      database: 'postgres',
      brain,
      env: { AGENT_NOTIFY_WECOM: '1', CONSOLE_PUBLIC_URL: 'https://kefu.example.com' },
    });
    t.teardown(() => h.close());
    const agent = await staffMember(h, 'agent@example.com', 'admin', { wecomUserId: 'kefu-zhang', onDuty: true });
    const api = (method: string, path: string, body?: unknown) => call(h.baseUrl, method, path, { ...agent, body });

    t.is((await h.sendText('customer-wu', '转人工')).status, 200);
    const id = await eventually(async () => {
      const [row] = await h.service.db.select().from(conversations).where(eq(conversations.status, 'needs_human'));
      return row?.id;
    });
    await eventually(async () => h.wecom.deliveredTo('kefu-zhang').length === 1, 30_000, 'the agent told');
    t.deepEqual(h.wecom.deliveredTo('customer-wu'), [HANDOFF_TEXT]);
    t.regex(
      h.wecom.deliveredTo('kefu-zhang')[0]!,
      new RegExp(
        `^【待人工】#${id} 企业微信 · 客户要求人工\n排队第 1 位\n客户：转人工\n打开：https://kefu.example.com/console/conversations/${id}\n`,
      ),
    );

    t.is((await api('POST', `/api/conversations/${id}/assign`, { assignee: 'me' })).status, 204);
    t.is((await api('POST', `/api/conversations/${id}/messages`, { text: '您好，我是客服小张' })).status, 201);
    await eventually(async () => h.wecom.deliveredTo('customer-wu').length === 2, 30_000, 'the reply delivered');
    t.deepEqual(h.wecom.deliveredTo('customer-wu'), [HANDOFF_TEXT, '您好，我是客服小张']);

    t.is((await api('POST', `/api/conversations/${id}/resolve`)).status, 204);
    t.is((await h.sendText('customer-wu', '几点发货')).status, 200);
    await eventually(async () => h.wecom.deliveredTo('customer-wu').length === 3, 30_000, 'the bot answering again');
    t.is(h.wecom.deliveredTo('customer-wu')[2], '答：几点发货');
    t.deepEqual(h.wecom.deliveredTo('kefu-zhang').length, 1, 'told once, when it began to wait');
    const [row] = await h.service.db.select().from(conversations).where(eq(conversations.id, id));
    t.deepEqual([row!.status, row!.assignee], ['bot', null]);
  },
);
