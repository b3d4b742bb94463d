import test from 'ava';
import { eq } from 'drizzle-orm';
import { auditLog, conversations } from '../../../src/db/schema.ts';
import { call } from '../../support/console-api.ts';
import { DATABASE_KINDS } from '../../support/databases.ts';
import { handoffBrain, metricValue, staffMember } from '../../support/staff-members.ts';
import { WebVisitor } from '../../support/web-visitor.ts';
import { FakeWecomApi } from '../../../src/simulator/fake-wecom-api.ts';
import { app, eventually, type Harness, startHarness } from '../../support/wecom-service.ts';

const NOTIFY_ENV = { AGENT_NOTIFY_WECOM: '1', CONSOLE_PUBLIC_URL: 'https://kefu.example.com/' };

async function webHandoff(h: Harness, text: string): Promise<number> {
  const visitor = new WebVisitor(h.baseUrl);
  await visitor.startSession();
  await visitor.send(text);
  return eventually(async () => {
    const [row] = await h.service.db.select().from(conversations).where(eq(conversations.status, 'needs_human'));
    return row?.id;
  });
}

const sentSeries = 'kefu_staff_notices_total{kind="waiting",result="sent"}';

for (const database of DATABASE_KINDS) {
  test.serial(
    `${database}: a web handoff sends one WeCom message to the on-duty linked agents, with the reason, position, preview and console link`,
    async (t) => {
      const h = await startHarness({ database, brain: handoffBrain(), env: NOTIFY_ENV });
      t.teardown(() => h.close());
      const admin = await staffMember(h, 'admin@example.com', 'admin');
      await staffMember(h, 'zhang@example.com', 'agent', { wecomUserId: 'zhangsan', onDuty: true, admin });
      await staffMember(h, 'li@example.com', 'supervisor', { wecomUserId: 'lisi', onDuty: true, admin });
      await staffMember(h, 'wang@example.com', 'agent', { wecomUserId: 'wangwu', admin }); // linked, off duty
      await staffMember(h, 'zhao@example.com', 'agent', { onDuty: true }); // on duty, not linked

      const asked =
        '我要人工，订单 20261129 的快递三天没有动了，麻烦帮我查一下到底在哪里。😀 谢谢你们的耐心处理和帮助，非常感谢，祝你们工作顺利！';
      const id = await webHandoff(h, asked);
      await h.wecom.waitForDelivered(2);
      t.deepEqual(h.wecom.accepted, ['zhangsan|lisi']);
      const [notice] = h.wecom.deliveredTo('zhangsan');
      t.is(notice, h.wecom.deliveredTo('lisi')[0]);
      const lines = notice!.split('\n');
      t.is(lines[0], `【待人工】#${id} 网页 · 客户要求人工`);
      t.is(lines[1], '排队第 1 位');
      // 60 characters (the emoji is one, never cut in half), then an ellipsis.
      t.is(lines[2], `客户：${Array.from(asked).slice(0, 60).join('')}…`);
      t.true(Array.from(asked).length > 60);
      t.is(lines[3], `打开：https://kefu.example.com/console/conversations/${id}`);
      t.regex(lines[4]!, new RegExp(`#${id} 结束`));
      await eventually(async () => (await metricValue(h, sentSeries)) === 1, 30_000, 'the sent notice counted');

      const audits = await h.service.db.select().from(auditLog).where(eq(auditLog.action, 'user.duty_change'));
      t.is(audits.length, 3, 'each going on duty is audited');
    },
  );
}

test.serial('with AGENT_NOTIFY_PREVIEW off and no CONSOLE_PUBLIC_URL the notice quotes no customer text and carries no link', async (t) => {
  const h = await startHarness({
    database: 'postgres',
    brain: handoffBrain(),
    env: { AGENT_NOTIFY_WECOM: '1', AGENT_NOTIFY_PREVIEW: '0' },
  });
  t.teardown(() => h.close());
  await staffMember(h, 'zhang@example.com', 'admin', { wecomUserId: 'zhangsan', onDuty: true });
  const id = await webHandoff(h, '人工客服，我的手机号是 13800000000');
  const [notice] = await h.wecom.waitForDelivered(1);
  t.is(notice!.touser, 'zhangsan');
  t.deepEqual(notice!.content.split('\n').slice(0, 2), [`【待人工】#${id} 网页 · 客户要求人工`, '排队第 1 位']);
  t.notRegex(notice!.content, /13800000000|客户：|https?:/);
});

test.serial('nobody on duty: the handoff sends no WeCom message, and the metric says why', async (t) => {
  const h = await startHarness({ database: 'postgres', brain: handoffBrain(), env: NOTIFY_ENV });
  t.teardown(() => h.close());
  const admin = await staffMember(h, 'admin@example.com', 'admin');
  const off = await staffMember(h, 'zhang@example.com', 'agent', { wecomUserId: 'zhangsan', onDuty: true, admin });
  t.is((await call(h.baseUrl, 'PUT', '/api/me/duty', { ...off, body: { onDuty: false } })).status, 200);
  t.deepEqual(await (await call(h.baseUrl, 'GET', '/api/me/duty', off)).json(), { onDuty: false, wecomUserId: 'zhangsan' });

  await webHandoff(h, '我要人工');
  await eventually(async () => (await metricValue(h, 'kefu_staff_notices_total{kind="waiting",result="nobody_on_duty"}')) === 1);
  t.is(h.wecom.sendRequests, 0);
  t.deepEqual(h.wecom.accepted, []);
});

test.serial('a notice WeCom refuses with HTTP 502 and then errcode -1 (busy) is retried and arrives once', async (t) => {
  const h = await startHarness({ database: 'postgres', brain: handoffBrain(), env: NOTIFY_ENV });
  t.teardown(() => h.close());
  await staffMember(h, 'zhang@example.com', 'admin', { wecomUserId: 'zhangsan', onDuty: true });
  h.wecom.failNext(1, { httpStatus: 502 });
  h.wecom.failNext(1, { errcode: -1, errmsg: 'system busy' });

  const id = await webHandoff(h, '我要人工');
  const [notice] = await h.wecom.waitForDelivered(1);
  t.true(notice!.content.startsWith(`【待人工】#${id} `));
  t.is(h.wecom.sendRequests, 3);
  t.is(await metricValue(h, 'kefu_staff_notices_total{kind="waiting",result="retry"}'), 2);
  await eventually(async () => (await metricValue(h, sentSeries)) === 1);
});

test.serial('a reply WeCom refuses for good (81013) flags the conversation, and the on-duty agents are told why it waits', async (t) => {
  const wecom = new FakeWecomApi({ corpId: app.corpId, secret: app.secret, agentId: app.agentId, knownUsers: ['kefu-zhang'] });
  const h = await startHarness({ database: 'postgres', brain: handoffBrain(), env: NOTIFY_ENV, wecom });
  t.teardown(() => h.close());
  await staffMember(h, 'zhang@example.com', 'admin', { wecomUserId: 'kefu-zhang', onDuty: true });
  t.is((await h.sendText('left-the-company', '你好')).status, 200);
  const [notice] = await h.wecom.waitForDelivered(1);
  t.is(notice!.touser, 'kefu-zhang');
  t.regex(notice!.content, /^【待人工】#\d+ 企业微信 · 消息发送失败\n/);
});

test('notices on without a WeCom app refuse to start, naming the variable', async (t) => {
  const { loadConfig } = await import('../../../src/config/env.ts');
  const error = t.throws(() => loadConfig({ AGENT_NOTIFY_WECOM: '1' }));
  t.regex(error!.message, /AGENT_NOTIFY_WECOM is on but no WeCom app is configured/);
});
