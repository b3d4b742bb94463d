import test from 'ava';
import { eq, sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import type { Service } from '../../src/composition.ts';
import { sendBroadcastSlice } from '../../src/broadcasts/send-broadcast-slice.ts';
import { WechatMpApiClient } from '../../src/channels/wechat-mp/api-client.ts';
import { createMpMassSends } from '../../src/channels/wechat-mp/mass-sends.ts';
import type { Channel, ChannelKind } from '../../src/channels/types.ts';
import { broadcastRecipients, customers, messages } from '../../src/db/schema.ts';
import type { FakeWechatMpApi } from '../../src/simulator/fake-wechat-mp-api.ts';
import type { FakeWecomKfApi } from '../../src/simulator/fake-wecom-kf-api.ts';
import { sealMpCallback } from '../../src/simulator/wechat-mp-callback.ts';
import { BROADCAST_KF, BROADCAST_MP, type BroadcastService, startBroadcastService } from '../support/broadcast-service.ts';
import { callJson, type SignedIn } from '../support/console-api.ts';
import { WebVisitor } from '../support/web-visitor.ts';
import { eventually, REDIS_URL } from '../support/wecom-service.ts';

/**
 * Broadcasts (群发) on the real service with PostgreSQL and Redis, the Official Account and 微信客服
 * faked on loopback (errcodes included), the web widget over HTTP: each recipient gets the message
 * through their own channel within its rules, or is skipped with the reason, or failed with the
 * platform's errcode, and the report counts them.
 */
const mp = BROADCAST_MP;
const KF = BROADCAST_KF;
let running: BroadcastService;
let wechat: FakeWechatMpApi;
let kf: FakeWecomKfApi;
let service: Service;
let baseUrl: string;
let admin: SignedIn;

test.before(async () => {
  running = await startBroadcastService('postgres');
  ({ wechat, kf, service, baseUrl, admin } = running);
});

test.after.always(async () => {
  await running?.stop();
});

const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) => running.api<T>(method, path, body);
const followerSays = (openid: string, text: string) => running.followerSays(openid, text);
const kfCustomerSays = (externalUserId: string, text: string) => running.kfCustomerSays(externalUserId, text);

const customerId = async (externalId: string) =>
  (await service.db.select({ id: customers.id }).from(customers).where(eq(customers.externalId, externalId)))[0]!.id;

interface Report {
  total: number;
  byState: Record<string, number>;
  skipped: Array<{ reason: string; count: number }>;
  failed: Array<{ errcode: string; count: number }>;
  massSends: Array<Record<string, unknown>>;
}
interface BroadcastAndReport {
  broadcast: { id: number; state: string };
  report: Report;
}

async function finished(id: number): Promise<BroadcastAndReport> {
  return eventually(async () => {
    const res = await api<BroadcastAndReport>('GET', `/api/broadcasts/${id}`);
    return res.body.broadcast.state === 'done' && res.body;
  }, 20_000);
}

test.serial(
  'each recipient gets the broadcast once through their own channel, within its window, quota or open session; the rest are skipped with the reason or failed with the errcode',
  async (t) => {
    // Official Account: one inside the 48 hours, one whose last message is three days old, one the
    // platform refuses (45015: it unfollowed meanwhile).
    await followerSays('oa-open', '你好');
    await followerSays('oa-stale', '你好');
    await followerSays('oa-gone', '你好');
    // 微信客服: one with 4 of the 5 messages left, one who opted out, one whose quota is spent.
    await kfCustomerSays('kf-open', '你好');
    await kfCustomerSays('kf-optout', 'TD。');
    await kfCustomerSays('kf-spent', '你好');
    await wechat.waitFor(() => wechat.delivered.length === 3);
    await kf.waitFor(
      () => kf.deliveredTo('kf-open').length === 1 && kf.deliveredTo('kf-optout').length === 1 && kf.deliveredTo('kf-spent').length === 1,
    );
    // Web: one visitor with the widget open, one who left.
    const open = new WebVisitor(baseUrl);
    await open.startSession();
    t.is((await open.send('在吗')).status, 202);
    const left = new WebVisitor(baseUrl);
    await left.startSession();
    t.is((await left.send('在吗')).status, 202);
    await eventually(async () => (await open.history()).length === 2 && (await left.history()).length === 2);
    const stream = await open.stream();
    t.teardown(() => stream.close());

    // The 48 hours of oa-stale ran out; kf-spent got four more replies (5 in all).
    await service.db.execute(sql`
      update messages set created_at = now() - interval '3 days', platform_sent_at = now() - interval '3 days'
      where conversation_id in (select id from conversations where customer_id = ${await customerId('oa-stale')})`);
    // kf-spent: four broadcasts to a tag only they have spend the rest of their five.
    const group = await api<{ id: number }>('POST', '/api/tag-groups', { name: '活动' });
    const tag = await api<{ id: number }>('POST', '/api/tags', { groupId: group.body.id, name: '老客' });
    const spent = await customerId(`${KF}/kf-spent`);
    t.is((await api('PUT', `/api/customers/${spent}/tags/${tag.body.id}`)).status, 200);
    for (const n of [2, 3, 4, 5]) {
      const b = await api<{ id: number }>('POST', '/api/broadcasts', {
        name: `第${n}条`,
        text: `第${n}条`,
        tagIds: [tag.body.id],
        perMinute: 6000,
      });
      t.is(b.status, 201, JSON.stringify(b.body));
      t.like((await finished(b.body.id)).report.byState, { sent: 1 }, 'a broadcast by tag');
    }
    t.is(kf.deliveredTo('kf-spent').length, 5);
    wechat.outsideWindow.add('oa-gone');
    const optedOut = await eventually(async () => {
      const res = await callJson<{ tags: string[] }>(baseUrl, admin, 'GET', `/api/customers/${await customerId(`${KF}/kf-optout`)}`);
      return res.body.tags.includes('退订') && res.body.tags;
    });
    t.deepEqual(optedOut, ['退订'], '「TD」 is recorded as the tag 退订');

    const segment = await api<{ id: number }>('POST', '/api/segments', {
      name: '全部',
      filter: { channels: ['wechat-mp', 'wecom-kf', 'web'] },
    });
    t.is(segment.status, 201);
    const created = await api<{ id: number; state: string }>('POST', '/api/broadcasts', {
      name: '双十二',
      text: '双十二大促：全场八折',
      segmentId: segment.body.id,
      perMinute: 6000,
    });
    t.is(created.status, 201, JSON.stringify(created.body));
    const { report } = await finished(created.body.id);

    t.is(report.total, 8);
    t.like(report.byState, { pending: 0, sending: 0, sent: 3, skipped: 4, failed: 1 });
    t.deepEqual(report.skipped.map((s) => `${s.reason}:${s.count}`).sort(), [
      'no_open_session:1',
      'opted_out:1',
      'quota_spent:1',
      'window_closed:1',
    ]);
    t.deepEqual(report.failed, [{ errcode: 'wechat-mp:45015', count: 1 }]);

    const text = '双十二大促：全场八折';
    t.deepEqual(
      wechat.deliveredTo('oa-open').filter((s) => s === text),
      [text],
      'custom/send inside the window',
    );
    t.deepEqual(
      wechat.deliveredTo('oa-stale').filter((s) => s === text),
      [],
    );
    t.deepEqual(
      kf.deliveredTo('kf-open').filter((s) => s === text),
      [text],
      'kf/send_msg inside the window and quota',
    );
    t.deepEqual(
      kf.deliveredTo('kf-optout').filter((s) => s === text),
      [],
    );
    await eventually(async () => stream.messages().some((m) => m.text === text));
    t.is(stream.messages().filter((m) => m.text === text).length, 1, 'the open widget shows it once');
    t.false(
      (await left.history()).some((m) => m.text === text),
      'a visitor who left is not written to',
    );

    // The broadcast counts against the window: kf-open has 5 − 1 reply − 1 broadcast left.
    const [conversation] = await service.db
      .execute(sql`select id from conversations where customer_id = ${await customerId(`${KF}/kf-open`)}`)
      .then((r) => (r as unknown as { rows: Array<{ id: number }> }).rows);
    const view = await callJson<{ replyWindow: { remaining: number } }>(baseUrl, admin, 'GET', `/api/conversations/${conversation!.id}`);
    t.is(view.body.replyWindow.remaining, 3);

    // Each recipient's status, listed.
    const failed = await api<{ recipients: Array<{ externalId: string; errcode: string }> }>(
      'GET',
      `/api/broadcasts/${created.body.id}/recipients?state=failed`,
    );
    t.deepEqual(
      failed.body.recipients.map((r) => [r.externalId, r.errcode]),
      [['oa-gone', 'wechat-mp:45015']],
    );
    const stored = await service.db
      .select({ status: messages.status, meta: messages.meta })
      .from(messages)
      .where(sql`${messages.meta} ->> 'broadcastId' = ${String(created.body.id)}`);
    t.is(stored.filter((m) => m.status === 'sent').length, 3, 'what was sent is in the customers’ conversations');
    t.like(stored.find((m) => m.status === 'failed')?.meta, { deliveryError: { code: 'wechat-mp:45015' } }, 'and what failed, with why');
  },
);

test.serial('a scheduled broadcast waits for its time, lists nobody before, and can be cancelled before it starts', async (t) => {
  const segment = await api<{ id: number }>('POST', '/api/segments', { name: '公众号', filter: { channels: ['wechat-mp'] } });
  const both = await api('POST', '/api/broadcasts', { name: 'x', text: 'x', segmentId: segment.body.id, tagIds: [1] });
  t.is(both.status, 400, 'a segment or tags, not both');
  const tooLong = await api('POST', '/api/broadcasts', { name: 'x', text: '长'.repeat(601), segmentId: segment.body.id });
  t.is(tooLong.status, 400, 'one platform message at most');

  const soon = await api<{ id: number; state: string }>('POST', '/api/broadcasts', {
    name: '稍后',
    text: '稍后发送的通知',
    segmentId: segment.body.id,
    sendAt: new Date(Date.now() + 2500).toISOString(),
  });
  t.is(soon.body.state, 'scheduled');
  const early = await api<BroadcastAndReport>('GET', `/api/broadcasts/${soon.body.id}`);
  t.is(early.body.report.total, 0, 'recipients are listed when sending starts');
  const { report } = await finished(soon.body.id);
  t.true(report.total >= 1);
  t.is(wechat.deliveredTo('oa-open').filter((s) => s === '稍后发送的通知').length, 1);

  const later = await api<{ id: number }>('POST', '/api/broadcasts', {
    name: '明天',
    text: '明天的通知',
    segmentId: segment.body.id,
    sendAt: new Date(Date.now() + 3_600_000).toISOString(),
  });
  const cancelled = await api<{ state: string }>('POST', `/api/broadcasts/${later.body.id}/cancel`);
  t.is(cancelled.body.state, 'cancelled');
  t.is((await api<{ code: string }>('POST', `/api/broadcasts/${later.body.id}/cancel`)).status, 409);
  t.is((await api('GET', '/api/broadcasts/999999')).status, 404);
});

test.serial(
  'a recipient a crash left `sending` is recorded failed `interrupted`, not claimed again; the others go on and the broadcast ends',
  async (t) => {
    const segment = await api<{ id: number }>('POST', '/api/segments', { name: '公众号（演练）', filter: { channels: ['wechat-mp'] } });
    const created = await api<{ id: number }>('POST', '/api/broadcasts', {
      name: '演练',
      text: '崩溃演练',
      segmentId: segment.body.id,
      sendAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    // As a killed worker leaves it: listed, sending, one recipient claimed and its request maybe out.
    await service.db.execute(
      sql`update broadcasts set send_at = now(), state = 'sending', enlisted_at = now() where id = ${created.body.id}`,
    );
    await service.db.execute(sql`
    insert into broadcast_recipients (broadcast_id, customer_id, state)
    select ${created.body.id}, cu.id, case when cu.external_id = 'oa-open' then 'sending' else 'pending' end
    from customers cu join channel_accounts a on a.id = cu.channel_account_id where a.channel = 'wechat-mp'`);
    const logger = service.logger;
    // A slice with no channel running: what it does to the claimed recipient is the point.
    t.is(await sendBroadcastSlice({ db: service.db, channels: new Map(), logger }, created.body.id), 'finished');
    const rows = await service.db
      .select({ state: broadcastRecipients.state, reason: broadcastRecipients.reason, errcode: broadcastRecipients.errcode })
      .from(broadcastRecipients)
      .where(eq(broadcastRecipients.broadcastId, created.body.id));
    t.deepEqual(rows.filter((r) => r.errcode === 'interrupted').length, 1);
    t.true(rows.filter((r) => r.errcode !== 'interrupted').every((r) => r.state === 'skipped' && r.reason === 'channel_cannot_broadcast'));
    const again = await api<BroadcastAndReport>('GET', `/api/broadcasts/${created.body.id}`);
    t.is(again.body.broadcast.state, 'done');
    t.deepEqual(again.body.report.failed, [{ errcode: 'interrupted', count: 1 }]);
  },
);

/**
 * Official Account followers who wrote (so are customers here), carrying a new tag here, and
 * `carryingUserTag` of them the user tag of that name on the account, as the tag push leaves it.
 */
async function followersTagged(
  tagName: string,
  openids: string[],
  carryingUserTag = openids,
): Promise<{ tagId: number; platformTagId: number }> {
  const before = wechat.delivered.length;
  for (const openid of openids) await followerSays(openid, '你好');
  await wechat.waitFor(() => wechat.delivered.length === before + openids.length);
  const group = await api<{ id: number }>('POST', '/api/tag-groups', { name: `群发组-${tagName}` });
  const tag = await api<{ id: number }>('POST', '/api/tags', { groupId: group.body.id, name: tagName });
  for (const openid of openids) await api('PUT', `/api/customers/${await customerId(openid)}/tags/${tag.body.id}`);
  const platformTagId = 900 + wechat.userTags.tags.size;
  wechat.userTags.tags.set(platformTagId, tagName);
  for (const openid of carryingUserTag)
    wechat.userTags.users.set(openid, new Set([...(wechat.userTags.users.get(openid) ?? []), platformTagId]));
  return { tagId: tag.body.id, platformTagId };
}

const broadcastToTag = async (tagId: number, text: string, sendAt?: Date) => {
  const res = await api<{ id: number }>('POST', '/api/broadcasts', {
    name: text,
    text,
    tagIds: [tagId],
    perMinute: 6000,
    ...(sendAt && { sendAt: sendAt.toISOString() }),
  });
  if (res.status !== 201) throw new Error(`broadcast refused: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
};

async function recipientStates(broadcastId: number): Promise<Record<string, string>> {
  const rows = await service.db
    .select({ externalId: customers.externalId, state: broadcastRecipients.state, why: sql<string | null>`coalesce(reason, errcode)` })
    .from(broadcastRecipients)
    .innerJoin(customers, eq(customers.id, broadcastRecipients.customerId))
    .where(eq(broadcastRecipients.broadcastId, broadcastId));
  return Object.fromEntries(rows.map((r) => [r.externalId, [r.state, r.why].filter(Boolean).join(':')]));
}

/** A worker of another process, as after a kill -9, with the default Official Account as `accountType`. */
function mpMassSendsOfAnotherWorker(accountType: 'service' | 'subscription') {
  const redis = new Redis(REDIS_URL, { keyPrefix: `${running.redisPrefix}:other-worker:` });
  const account = { name: 'default', appId: mp.appId, appSecret: mp.secret, token: mp.token, apiBase: running.mpBase, accountType };
  const client = new WechatMpApiClient(account, redis, () => {});
  const channels = new Map([
    [
      'wechat-mp',
      {
        massSends: createMpMassSends(
          () => account,
          () => client,
        ),
      },
    ],
  ]);
  return { channels: channels as unknown as ReadonlyMap<ChannelKind, Channel>, close: () => redis.disconnect() };
}

test.serial(
  'a broadcast to one tag reaches the Official Account followers carrying that user tag as ONE mass send to the tag, the others by custom/send in their 48 hours; MASSSENDJOBFINISH puts WeChat’s totals on the report',
  async (t) => {
    const { tagId, platformTagId } = await followersTagged('年卡会员', ['oa-mass-1', 'oa-mass-2', 'oa-mass-3'], ['oa-mass-1', 'oa-mass-2']);
    // oa-mass-3 has 20 user tags already: the push can never give it this one.
    wechat.userTags.fill(wechat.userTags.tags.size + 20);
    wechat.userTags.users.set('oa-mass-3', new Set([...wechat.userTags.tags.keys()].filter((id) => id !== platformTagId).slice(0, 20)));
    const requests = wechat.massSends.requests;

    const id = await broadcastToTag(tagId, '年卡会员专享：续费九折');
    const { report } = await finished(id);

    t.is(wechat.massSends.requests, requests + 1, 'sendall was called once');
    const [mass] = wechat.massSends.sent.slice(-1);
    t.like(mass, { tagId: platformTagId, text: '年卡会员专享：续费九折' });
    t.truthy(mass!.clientMsgId, 'with a clientmsgid, so WeChat refuses a repeat');
    t.deepEqual(await recipientStates(id), { 'oa-mass-1': 'sent', 'oa-mass-2': 'sent', 'oa-mass-3': 'sent' });
    t.deepEqual(wechat.deliveredTo('oa-mass-3').slice(-1), ['年卡会员专享：续费九折'], 'the follower without the user tag: custom/send');
    t.false(wechat.deliveredTo('oa-mass-1').includes('年卡会员专享：续费九折'), 'the tagged ones are not sent it twice');
    t.like(report.massSends[0], { accountName: 'default', state: 'sent', recipients: 2, totalCount: null });

    const { query, body } = sealMpCallback(mp, wechat.massSends.finishXml(mass!.msgId), 'plain');
    const res = await fetch(`${baseUrl}/callbacks/wechat-mp/default?${query}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'text/xml' },
    });
    t.is(res.status, 200);
    const after = await api<BroadcastAndReport>('GET', `/api/broadcasts/${id}`);
    t.like(after.body.report.massSends[0], {
      state: 'finished',
      status: 'send success',
      totalCount: 2,
      filterCount: 2,
      sentCount: 2,
      errorCount: 0,
    });
    const assistant = await service.db.select().from(customers).where(eq(customers.externalId, 'oMassSendAssistant'));
    t.is(assistant.length, 0, 'the event is no customer’s message');
  },
);

test.serial(
  'a worker killed between recording the mass send and WeChat’s answer: the next slice records it interrupted and never asks again',
  async (t) => {
    let release!: () => void;
    wechat.massSends.hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    t.teardown(() => {
      release();
      wechat.massSends.hold = undefined;
    });
    const { tagId } = await followersTagged('复购', ['oa-mass-6', 'oa-mass-7']);
    const requests = wechat.massSends.requests;
    const id = await broadcastToTag(tagId, '复购礼包');

    // The request is in flight: the mass send and its recipients were committed before it left.
    await eventually(async () => wechat.massSends.requests === requests + 1, 20_000, 'the sendall request');
    t.deepEqual(await recipientStates(id), { 'oa-mass-6': 'sending', 'oa-mass-7': 'sending' });

    // That worker is gone (kill -9): another runs the broadcast's next slice.
    const other = mpMassSendsOfAnotherWorker('service');
    t.teardown(other.close);
    t.is(await sendBroadcastSlice({ db: service.db, channels: other.channels, logger: service.logger }, id), 'finished');
    t.deepEqual(await recipientStates(id), { 'oa-mass-6': 'failed:interrupted', 'oa-mass-7': 'failed:interrupted' });
    const report = await api<BroadcastAndReport>('GET', `/api/broadcasts/${id}`);
    t.like(report.body.report.massSends, [{ state: 'interrupted', recipients: 2 }]);
    t.is(wechat.massSends.requests, requests + 1, 'no second sendall');
  },
);

test.serial(
  'the limits: a 服务号 follower who had 4 mass messages this month is skipped; a 订阅号’s second mass send of the day is refused and its recipients skipped',
  async (t) => {
    const { tagId } = await followersTagged('月度', ['oa-mass-4', 'oa-mass-5']);
    // oa-mass-4 got four of our mass sends this month.
    const full = await customerId('oa-mass-4');
    for (let i = 0; i < 4; i++)
      await service.db.execute(sql`
      with b as (insert into broadcasts (name, text, per_minute, state) values ('早前', '早前', 60, 'done') returning id),
           m as (insert into broadcast_mass_sends (broadcast_id, account_name, state, recipients) select id, 'default', 'finished', 1 from b returning id, broadcast_id)
      insert into broadcast_recipients (broadcast_id, customer_id, state, mass_send_id, sent_at) select broadcast_id, ${full}, 'sent', id, now() from m`);
    const requests = wechat.massSends.requests;
    const monthly = await broadcastToTag(tagId, '月度通知');
    const { report } = await finished(monthly);
    t.deepEqual(await recipientStates(monthly), { 'oa-mass-4': 'skipped:mp_monthly_mass_limit', 'oa-mass-5': 'sent' });
    t.like(report.massSends, [{ state: 'sent', recipients: 1 }]);
    t.is(wechat.massSends.requests, requests + 1);

    // As a 订阅号, the account has mass-sent today (just now): the next is refused before calling.
    const daily = await broadcastToTag(tagId, '今日第二条', new Date(Date.now() + 3_600_000));
    await service.db.execute(sql`update broadcasts set send_at = now() where id = ${daily}`);
    const subscription = mpMassSendsOfAnotherWorker('subscription');
    t.teardown(subscription.close);
    t.is(await sendBroadcastSlice({ db: service.db, channels: subscription.channels, logger: service.logger }, daily), 'finished');
    t.deepEqual(await recipientStates(daily), { 'oa-mass-4': 'skipped:mp_daily_mass_limit', 'oa-mass-5': 'skipped:mp_daily_mass_limit' });
    const refused = await api<BroadcastAndReport>('GET', `/api/broadcasts/${daily}`);
    t.like(refused.body.report.massSends, [{ state: 'refused', errcode: 'daily_limit', recipients: 0 }]);
    t.is(wechat.massSends.requests, requests + 1, 'WeChat was not asked');
  },
);

test.serial(
  'no mass send when a follower carrying the user tag opted out here: a tag send cannot leave them out, so all go by custom/send',
  async (t) => {
    const { tagId } = await followersTagged('试用', ['oa-mass-8', 'oa-mass-9']);
    await followerSays('oa-mass-8', '退订');
    await eventually(async () => {
      const res = await callJson<{ tags: string[] }>(baseUrl, admin, 'GET', `/api/customers/${await customerId('oa-mass-8')}`);
      return res.body.tags.includes('退订');
    });
    const requests = wechat.massSends.requests;
    const id = await broadcastToTag(tagId, '试用到期提醒');
    const { report } = await finished(id);
    t.like(report.massSends, [{ state: 'unused', errcode: 'opted_out_follower' }]);
    t.is(wechat.massSends.requests, requests);
    t.deepEqual(await recipientStates(id), { 'oa-mass-8': 'skipped:opted_out', 'oa-mass-9': 'sent' });
    t.deepEqual(wechat.deliveredTo('oa-mass-9').slice(-1), ['试用到期提醒']);
  },
);
