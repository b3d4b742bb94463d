import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { and, eq, sql } from 'drizzle-orm';
import type { Service } from '../../../src/composition.ts';
import { conversations, customers, messages, wecomKfSyncState } from '../../../src/db/schema.ts';
import { FakeWecomKfApi } from '../../../src/simulator/fake-wecom-kf-api.ts';
import { captureLogs } from '../../support/captured-logs.ts';
import { createTestDatabase, type TestDatabase } from '../../support/databases.ts';
import { HANDOFF_TEXT } from '../../support/staff-members.ts';
import { EchoBrain, flushOwnRedisDb, startTestService } from '../../support/wechat-family-service.ts';
import { eventually } from '../../support/wecom-service.ts';

/**
 * WeCom Customer Service end to end, on the real service with PGlite (on disk, so a restart keeps
 * it) and Redis, WeCom faked on loopback. Redis logical DB 12 belongs to this file (flushed first).
 */
const REDIS_URL = 'redis://127.0.0.1:6379/12';
const corp = {
  corpId: 'wwkfcorp0001',
  secret: 'kf-secret',
  token: 'kftoken',
  encodingAesKey: 'kfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfkfk',
};
const KF = 'wkDEFAULT01';
const VIP_KF = 'wkVIP0001';

const kf = new FakeWecomKfApi({ corpId: corp.corpId, secret: corp.secret, callbackToken: corp.token, encodingAesKey: corp.encodingAesKey });
const brain = new EchoBrain();
const logs = captureLogs('info');
let db: TestDatabase;
let env: Record<string, string>;
let service: Service;
let baseUrl: string;

test.before(async () => {
  await flushOwnRedisDb(REDIS_URL);
  const apiBase = await kf.listen();
  db = await createTestDatabase('pglite');
  const configFile = join(db.dataDir, 'accounts.json');
  writeFileSync(configFile, JSON.stringify({ wecomKf: [{ name: 'vip', ...corp, apiBase, servicerUserId: 'zhangsan' }] }));
  env = {
    REDIS_URL,
    REDIS_PREFIX: 'kefu-test-wecom-kf',
    DATA_DIR: db.dataDir,
    CONFIG_FILE: configFile,
    WECOM_KF_CORP_ID: corp.corpId,
    WECOM_KF_SECRET: corp.secret,
    WECOM_KF_TOKEN: corp.token,
    WECOM_KF_ENCODING_AES_KEY: corp.encodingAesKey,
    WECOM_KF_API_BASE: apiBase,
    WECOM_KF_WELCOME_TEXT: '您好，我是悦享生活馆智能客服',
  };
  ({ service, baseUrl } = await startTestService(env, brain, logs.logger));
});

test.after.always(async () => {
  await service?.stop();
  await kf.close();
  await db?.drop();
});

const conversationStatusOf = async (externalUserId: string) => {
  const [row] = await service.db
    .select({ status: conversations.status })
    .from(conversations)
    .innerJoin(customers, eq(customers.id, conversations.customerId))
    .where(sql`${customers.externalId} like ${`%/${externalUserId}`}`);
  return row?.status;
};

const notify = async (account = 'default', openKfId = KF) => {
  const res = await kf.notify(`${baseUrl}/callbacks/wecom-kf/${account}`, openKfId);
  if (res.status !== 200) throw new Error(`callback answered ${res.status}: ${await res.text()}`);
  return res;
};

test.serial(
  'enter_session gets the welcome; a message is fetched by sync_msg and answered by send_msg; the profile is stored',
  async (t) => {
    kf.customerEnters(KF, 'wm-alice');
    kf.customerSays(KF, 'wm-alice', '多久发货');
    const res = await notify();
    t.is(await res.text(), '');
    await kf.waitFor(() => kf.deliveredTo('wm-alice').length === 1);
    t.deepEqual(
      kf.welcomes.map((w) => w.content),
      ['您好，我是悦享生活馆智能客服'],
    );
    t.deepEqual(kf.deliveredTo('wm-alice'), ['答：多久发货']);
    t.regex(kf.delivered[0]!.msgid, /^kh\d+_[0-9a-f]{12}$/, 'msgid derived from the delivery');
    t.is(kf.syncCalls[0]!.token !== undefined, true, 'the callback Token is passed to sync_msg');
    t.true(kf.batchGets >= 1);

    kf.customerSays(KF, 'wm-alice', '几天能到');
    await notify();
    await kf.waitFor(() => kf.deliveredTo('wm-alice').length === 2);
    t.is(brain.calls.at(-1)!.customerName, '客户wm-alice', 'customer/batchget nickname stored on the customer');
  },
);

test.serial('has_more is followed through empty pages; every message answered exactly once', async (t) => {
  kf.pageSize = 2;
  const users = ['wm-p1', 'wm-p2', 'wm-p3', 'wm-p4', 'wm-p5'];
  for (const u of users) kf.customerSays(KF, u, `问题-${u}`);
  kf.injectEmptyPages(2);
  const callsBefore = kf.syncCalls.length;
  await notify();
  await kf.waitFor(() => users.every((u) => kf.deliveredTo(u).length === 1));
  const calls = kf.syncCalls.slice(callsBefore);
  t.true(
    calls.some((c) => c.returned === 0 && c.hasMore === 1),
    'an empty page with has_more = 1 was seen',
  );
  t.is(calls.at(-1)!.hasMore, 0, 'synced to the end');
  t.is(
    calls.reduce((n, c) => n + c.returned, 0),
    5,
  );
  await new Promise((r) => setTimeout(r, 300));
  for (const u of users) t.deepEqual(kf.deliveredTo(u), [`答：问题-${u}`]);
  kf.pageSize = 1000;
});

test.serial('repeated callbacks fetch nothing twice', async (t) => {
  const delivered = kf.delivered.length;
  const brainCalls = brain.calls.length;
  await Promise.all([notify(), notify(), notify()]);
  await new Promise((r) => setTimeout(r, 800));
  t.is(kf.delivered.length, delivered);
  t.is(brain.calls.length, brainCalls);
});

test.serial('-1 from sync_msg is retried and nothing is lost', async (t) => {
  kf.customerSays(KF, 'wm-busy', '能开发票吗');
  kf.failNext(1, { errcode: -1 });
  await notify();
  await kf.waitFor(() => kf.deliveredTo('wm-busy').length === 1);
  t.deepEqual(kf.deliveredTo('wm-busy'), ['答：能开发票吗']);
});

test.serial('the sync cursor survives a restart: nothing lost, nothing repeated', async (t) => {
  await service.stop();
  // While we are down, customers keep writing.
  kf.customerSays(KF, 'wm-alice', '退款多久到账');
  kf.customerSays(KF, 'wm-late', '营业时间');
  const deliveredBefore = kf.delivered.length;
  const callsBefore = kf.syncCalls.length;
  ({ service, baseUrl } = await startTestService(env, brain, logs.logger));
  await notify();
  await kf.waitFor(() => kf.deliveredTo('wm-late').length === 1);
  await new Promise((r) => setTimeout(r, 500));
  const firstAfterRestart = kf.syncCalls[callsBefore]!;
  t.truthy(firstAfterRestart.cursor, 'resumed from the stored cursor, not from the start');
  t.deepEqual(
    kf.delivered.slice(deliveredBefore).map((d) => `${d.touser}:${d.content}`),
    ['wm-alice:答：退款多久到账', 'wm-late:答：营业时间'],
  );
});

test.serial('a handoff keeps the kf session in state 1, where our console answers, and the bot falls silent', async (t) => {
  const transfers = kf.transfers.length;
  kf.customerSays(KF, 'wm-bob', '我要转人工');
  await notify();
  await kf.waitFor(() => kf.deliveredTo('wm-bob').length === 1);
  await eventually(async () => (await conversationStatusOf('wm-bob')) === 'needs_human', 30_000, 'flagged');
  t.deepEqual(kf.deliveredTo('wm-bob'), [HANDOFF_TEXT]);
  t.is(kf.serviceState(KF, 'wm-bob'), 1, 'still with the smart assistant: kf/send_msg keeps working for the console');
  t.is(kf.transfers.length, transfers, 'no service_state/trans');

  const brainCalls = brain.calls.length;
  kf.customerSays(KF, 'wm-bob', '在吗');
  await notify();
  await new Promise((r) => setTimeout(r, 800));
  t.is(brain.calls.length, brainCalls, 'the bot does not answer a conversation a person owns');
  t.deepEqual(kf.deliveredTo('wm-bob'), [HANDOFF_TEXT]);
});

test.serial(
  'with a servicer configured (the opt-in "hand to the WeCom client" mode) the session goes to that servicer (service_state 3)',
  async (t) => {
    kf.setServicers(VIP_KF, [{ userid: 'zhangsan', status: 0 }]);
    kf.customerSays(VIP_KF, 'wm-vip', '人工客服');
    await notify('vip', VIP_KF);
    await kf.waitFor(() => kf.serviceState(VIP_KF, 'wm-vip') === 3);
    t.like(kf.transfers.at(-1), { openKfId: VIP_KF, externalUserId: 'wm-vip', state: 3, servicerUserId: 'zhangsan' });
    await eventually(async () => (await conversationStatusOf('wm-vip')) === 'human', 30_000, 'held by the servicer');
    const [row] = await service.db.select().from(conversations).where(eq(conversations.servicerUserId, 'zhangsan'));
    t.like(row, { status: 'human', assignee: null }, 'our console knows the servicer has it, and does not send');
  },
);

test.serial('a NUL and a lone surrogate in a synced text are stored as U+FFFD and answered', async (t) => {
  kf.customerSays(KF, 'wm-odd\u0000', 'a\u0000b\ud800c');
  await notify();
  await kf.waitFor(() => kf.deliveredTo('wm-odd\ufffd').length === 1);
  t.deepEqual(kf.deliveredTo('wm-odd\ufffd'), ['答：a\ufffdb\ufffdc']);
});

test.serial(
  'an entry the parser cannot read is recorded once as an unreadable event and the customers after it are answered',
  async (t) => {
    const UNREAD_KF = 'wkUNREAD01';
    kf.customerSays(UNREAD_KF, 'wm-before', '第一个问题');
    // No send_time, and a text without its body: each stopped its page for good before.
    kf.appendRawEntry(UNREAD_KF, {
      msgid: 'kfbroken1',
      open_kfid: UNREAD_KF,
      external_userid: 'wm-broken',
      origin: 3,
      msgtype: 'text',
      text: { content: '不该出现在日志里' },
    });
    kf.appendRawEntry(UNREAD_KF, {
      msgid: 'kfbroken2',
      open_kfid: UNREAD_KF,
      external_userid: 'wm-broken',
      origin: 3,
      send_time: 1,
      msgtype: 'text',
    });
    // Not even an object: nobody to record it for, so it is only logged and passed over.
    kf.appendRawEntry(UNREAD_KF, 'garbage');
    kf.customerSays(UNREAD_KF, 'wm-after', '第二个问题');
    await notify('default', UNREAD_KF);
    await kf.waitFor(() => kf.deliveredTo('wm-after').length === 1);
    t.deepEqual(kf.deliveredTo('wm-before'), ['答：第一个问题']);
    t.deepEqual(kf.deliveredTo('wm-after'), ['答：第二个问题']);
    t.deepEqual(kf.deliveredTo('wm-broken'), [], 'an unreadable entry is not a question for the bot');

    const [state] = await service.db
      .select({
        cursor: wecomKfSyncState.cursor,
        requested: wecomKfSyncState.requestedGeneration,
        synced: wecomKfSyncState.syncedGeneration,
      })
      .from(wecomKfSyncState)
      .where(eq(wecomKfSyncState.openKfId, UNREAD_KF));
    t.is(Buffer.from(state!.cursor!, 'base64url').toString(), 'pos:5', 'the cursor moved past every entry');
    t.is(state!.synced, state!.requested);

    // Announced again: the page is not refetched from before the bad entries, nothing is recorded twice.
    await notify('default', UNREAD_KF);
    await new Promise((r) => setTimeout(r, 500));
    const unreadable = await service.db
      .select({
        dedupeKey: messages.dedupeKey,
        status: messages.status,
        detail: sql<Record<string, string>>`${messages.content}->'detail'`,
      })
      .from(messages)
      .where(and(eq(messages.kind, 'event'), sql`${messages.content}->>'event' = 'unreadable'`));
    const warned = logs.lines.filter((l) => l.msg.startsWith('unreadable kf sync_msg entry'));
    t.deepEqual(
      warned.map((l) => [l.level, l.msgid, l.reason]),
      [
        [40, 'kfbroken1', 'send_time: invalid_type'],
        [40, 'kfbroken2', 'text: missing'],
        [40, undefined, 'item: invalid_type'],
      ],
      'each logged once, by id and reason',
    );
    t.false(logs.raw().includes('不该出现在日志里'), 'the text of an unreadable entry is never logged');
    t.deepEqual(
      unreadable.map((m) => [m.dedupeKey, m.status, m.detail.reason]),
      [
        ['msg:kfbroken1', 'ignored', 'send_time: invalid_type'],
        ['msg:kfbroken2', 'ignored', 'text: missing'],
      ],
    );
  },
);

test.serial('an entry whose value the database refuses is recorded as unreadable and the customers after it are answered', async (t) => {
  const REFUSE_KF = 'wkREFUSE01';
  // A check that refuses one text stands for any value PostgreSQL turns down for good.
  await service.db.execute(sql.raw(`alter table messages add constraint refuse_marker check (text not like '%REFUSE-ME%')`));
  t.teardown(() => service.db.execute(sql.raw('alter table messages drop constraint refuse_marker')));
  kf.customerSays(REFUSE_KF, 'wm-refused', '请 REFUSE-ME 一下');
  kf.customerSays(REFUSE_KF, 'wm-next', '下一个问题');
  await notify('default', REFUSE_KF);
  await kf.waitFor(() => kf.deliveredTo('wm-next').length === 1);
  t.deepEqual(kf.deliveredTo('wm-refused'), []);
  const recorded = await service.db
    .select({ reason: sql<string>`${messages.content}->'detail'->>'reason'` })
    .from(messages)
    .where(and(eq(messages.kind, 'event'), sql`${messages.content}->'detail'->>'reason' like 'refused%'`));
  t.deepEqual(
    recorded.map((r) => r.reason),
    ['refused by the database (SQLSTATE 23514)'],
  );
  t.true(logs.lines.some((l) => l.msg === 'could not store inbound message'));
  t.false(logs.raw().includes('REFUSE-ME'), 'the refused text is in no log line');
});
