import test from 'ava';
import { eq, sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { forecastBroadcast } from '../../src/broadcasts/forecast-broadcast.ts';
import { WechatMpApiClient } from '../../src/channels/wechat-mp/api-client.ts';
import { createMpMassSends } from '../../src/channels/wechat-mp/mass-sends.ts';
import type { Channel, ChannelKind } from '../../src/channels/types.ts';
import { customers, messages } from '../../src/db/schema.ts';
import { BROADCAST_KF, BROADCAST_MP, type BroadcastService, startBroadcastService } from '../support/broadcast-service.ts';
import { signedInStaff } from '../support/console-api.ts';
import { DATABASE_KINDS } from '../support/databases.ts';
import { WebVisitor } from '../support/web-visitor.ts';
import { eventually, REDIS_URL } from '../support/wecom-service.ts';

/**
 * A broadcast's forecast (POST /api/broadcasts/forecast) on the real service, the Official Account
 * and 微信客服 faked on loopback, the web widget over HTTP: what it says of an audience is what a
 * real send of that audience then records, per channel and per skip reason, and forecasting writes
 * nothing. This is what keeps the forecast and the sender from drifting apart.
 */
const mp = BROADCAST_MP;
const KF = BROADCAST_KF;
interface Forecast {
  total: number;
  send: number;
  skipped: number;
  reasons: Array<{ reason: string; count: number }>;
  channels: Array<{ channel: string; total: number; send: number; skipped: Array<{ reason: string; count: number }> }>;
  massSends: Array<{ accountName: string; state: string; errcode: string | null; recipients: number }>;
}
interface Report {
  byState: Record<string, number>;
  skipped: Array<{ reason: string; count: number }>;
  massSends: Array<{ accountName: string; state: string; recipients: number }>;
}

type Running = BroadcastService;

/** A follower writes, and the bot's answer arrives: their window is open. */
async function followerSays(s: Running, openid: string, text: string): Promise<void> {
  const before = s.wechat.deliveredTo(openid).length;
  await s.followerSays(openid, text);
  await s.wechat.waitFor(() => s.wechat.deliveredTo(openid).length > before);
}

async function kfCustomerSays(s: Running, externalUserId: string, text: string): Promise<void> {
  await s.kfCustomerSays(externalUserId, text);
  await s.kf.waitFor(() => s.kf.deliveredTo(externalUserId).length === 1);
}

const customerOf = async (s: Running, externalId: string) =>
  (await s.service.db.select().from(customers).where(eq(customers.externalId, externalId)))[0]!;

async function latestConversation(s: Running, customerId: number): Promise<number> {
  const result = (await s.service.db.execute(
    sql`select max(id)::int as id from conversations where customer_id = ${customerId}`,
  )) as unknown as { rows: Array<{ id: number }> };
  return Number(result.rows[0]!.id);
}

async function taggedWith(s: Running, name: string, externalIds: string[]): Promise<number> {
  const group = await s.api<{ id: number }>('POST', '/api/tag-groups', { name: `组-${name}` });
  const tag = await s.api<{ id: number }>('POST', '/api/tags', { groupId: group.body.id, name });
  for (const id of externalIds) await s.api('PUT', `/api/customers/${(await customerOf(s, id)).id}/tags/${tag.body.id}`);
  return tag.body.id;
}

async function sentAndFinished(s: Running, audience: Record<string, unknown>): Promise<{ id: number; report: Report }> {
  const created = await s.api<{ id: number }>('POST', '/api/broadcasts', {
    name: '群发',
    text: '双十二大促',
    perMinute: 6000,
    ...audience,
  });
  if (created.status !== 201) throw new Error(`broadcast refused: ${created.status} ${JSON.stringify(created.body)}`);
  const { report } = await eventually(async () => {
    const res = await s.api<{ broadcast: { state: string }; report: Report }>('GET', `/api/broadcasts/${created.body.id}`);
    return res.body.broadcast.state === 'done' && res.body;
  }, 20_000);
  return { id: created.body.id, report };
}

/** What a send recorded, per channel, in the forecast's terms: sent or failed (attempted) is `send`. */
async function recordedPerChannel(s: Running, broadcastId: number): Promise<Forecast['channels']> {
  const { body } = await s.api<{ recipients: Array<{ channel: string; state: string; reason: string | null }> }>(
    'GET',
    `/api/broadcasts/${broadcastId}/recipients`,
  );
  const byChannel = new Map<string, Forecast['channels'][number]>();
  for (const r of body.recipients) {
    const c = byChannel.get(r.channel) ?? { channel: r.channel, total: 0, send: 0, skipped: [] };
    byChannel.set(r.channel, c);
    c.total++;
    if (r.state !== 'skipped') c.send++;
    else {
      const reason = c.skipped.find((x) => x.reason === r.reason);
      if (reason) reason.count++;
      else c.skipped.push({ reason: r.reason!, count: 1 });
    }
  }
  return [...byChannel.values()];
}

/** Order-free, to compare a forecast with a record: channels by name, reasons by code. */
const normalized = (channels: Forecast['channels']) =>
  channels
    .map((c) => ({ ...c, skipped: [...c.skipped].sort((a, b) => a.reason.localeCompare(b.reason)) }))
    .sort((a, b) => a.channel.localeCompare(b.channel));
const byReason = (reasons: Array<{ reason: string; count: number }>) => [...reasons].sort((a, b) => a.reason.localeCompare(b.reason));

async function rowCounts(s: Running): Promise<Record<string, number>> {
  const result = (await s.service.db.execute(sql`
    select (select count(*)::int from broadcasts) as broadcasts, (select count(*)::int from broadcast_recipients) as recipients,
           (select count(*)::int from broadcast_mass_sends) as "massSends", (select count(*)::int from messages) as messages,
           (select count(*)::int from audit_log) as audit`)) as unknown as { rows: Array<Record<string, number>> };
  return result.rows[0]!;
}

for (const kind of DATABASE_KINDS) {
  test.serial(
    `${kind}: the forecast of a segment over three channels counts, per channel and per skip reason, what sending it then records, and writes nothing`,
    async (t) => {
      const s = await startBroadcastService(kind);
      t.teardown(s.stop);
      const id = (name: string) => `${kind}-${name}`;
      // Official Account: one inside the 48 hours, one whose window closed, one who opted out.
      for (const name of ['oa-open', 'oa-stale']) await followerSays(s, id(name), '你好');
      await followerSays(s, id('oa-optout'), '退订');
      // 微信客服: one with messages left, one whose 5 are spent, one a servicer holds in the WeCom client.
      for (const name of ['kf-open', 'kf-spent', 'kf-held']) await kfCustomerSays(s, id(name), '你好');
      // Web: a visitor with the widget open, one who left.
      const open = new WebVisitor(s.baseUrl);
      await open.startSession();
      await open.send('在吗');
      const left = new WebVisitor(s.baseUrl);
      await left.startSession();
      await left.send('在吗');
      await eventually(async () => (await open.history()).length === 2 && (await left.history()).length === 2);
      const stream = await open.stream();
      t.teardown(() => stream.close());

      const stale = await customerOf(s, id('oa-stale'));
      await s.service.db.execute(sql`
        update messages set created_at = now() - interval '3 days', platform_sent_at = now() - interval '3 days'
        where conversation_id in (select id from conversations where customer_id = ${stale.id})`);
      // Four earlier broadcasts in kf-spent's window: with the bot's reply, the 5 messages 微信客服 allows.
      const spent = await customerOf(s, `${KF}/${id('kf-spent')}`);
      const spentIn = await latestConversation(s, spent.id);
      for (let n = 0; n < 4; n++)
        await s.service.db.insert(messages).values({
          conversationId: spentIn,
          channelAccountId: spent.channelAccountId,
          direction: 'out',
          sender: 'bot',
          kind: 'text',
          text: `早前的群发 ${n}`,
          content: { type: 'text', text: `早前的群发 ${n}` },
          status: 'sent',
          meta: { broadcastId: 0 },
        });
      const held = await customerOf(s, `${KF}/${id('kf-held')}`);
      await s.service.db.execute(
        sql`update conversations set servicer_userid = 'zhangsan' where id = ${await latestConversation(s, held.id)}`,
      );
      await eventually(async () => {
        const res = await s.api<{ tags: string[] }>(
          'GET',
          `/api/customers/${(await customerOf(s, id('oa-optout'))).id}`,
          undefined,
          s.admin,
        );
        return res.body.tags.includes('退订');
      });

      const segment = await s.api<{ id: number }>('POST', '/api/segments', {
        name: '全部',
        filter: { channels: ['wechat-mp', 'wecom-kf', 'web'] },
      });
      const before = await rowCounts(s);
      const forecast = await s.api<Forecast>('POST', '/api/broadcasts/forecast', { segmentId: segment.body.id });
      t.is(forecast.status, 200, JSON.stringify(forecast.body));
      t.deepEqual(await rowCounts(s), before, 'a forecast lists, stores, audits and sends nothing');
      t.like(forecast.body, { total: 8, send: 3, skipped: 5, massSends: [] });
      t.deepEqual(byReason(forecast.body.reasons), [
        { reason: 'held_by_servicer', count: 1 },
        { reason: 'no_open_session', count: 1 },
        { reason: 'opted_out', count: 1 },
        { reason: 'quota_spent', count: 1 },
        { reason: 'window_closed', count: 1 },
      ]);

      const { id: sentId, report } = await sentAndFinished(s, { segmentId: segment.body.id });
      t.is(report.byState.sent, forecast.body.send, 'those forecast to be sent were sent');
      t.deepEqual(byReason(report.skipped), byReason(forecast.body.reasons), 'and the others skipped for the reasons forecast');
      t.deepEqual(normalized(await recordedPerChannel(s, sentId)), normalized(forecast.body.channels), 'channel by channel');
      await eventually(async () => stream.messages().some((m) => m.text === '双十二大促'));
    },
  );

  test.serial(
    `${kind}: the forecast of a broadcast to one tag says it goes as an Official Account mass send, who the 服务号’s monthly limit leaves out, and who the 订阅号’s daily limit would block`,
    async (t) => {
      const s = await startBroadcastService(kind);
      t.teardown(s.stop);
      const { wechat } = s;
      const id = (name: string) => `${kind}-mass-${name}`;
      for (const name of ['1', '2', '3']) await followerSays(s, id(name), '你好');
      const tagId = await taggedWith(s, `会员-${kind}`, [id('1'), id('2'), id('3')]);
      // 1 and 2 carry the account's user tag of that name; 3 does not (custom/send in its 48 hours).
      const platformTagId = 700 + wechat.userTags.tags.size;
      wechat.userTags.tags.set(platformTagId, `会员-${kind}`);
      for (const name of ['1', '2'])
        wechat.userTags.users.set(id(name), new Set([...(wechat.userTags.users.get(id(name)) ?? []), platformTagId]));
      // 2 had four of our mass sends this Beijing month.
      const full = (await customerOf(s, id('2'))).id;
      for (let i = 0; i < 4; i++)
        await s.service.db.execute(sql`
          with b as (insert into broadcasts (name, text, per_minute, state) values ('早前', '早前', 60, 'done') returning id),
               m as (insert into broadcast_mass_sends (broadcast_id, account_name, state, recipients) select id, 'default', 'finished', 1 from b returning id, broadcast_id)
          insert into broadcast_recipients (broadcast_id, customer_id, state, mass_send_id, sent_at) select broadcast_id, ${full}, 'sent', id, now() from m`);

      const requests = wechat.massSends.requests;
      const forecast = await s.api<Forecast>('POST', '/api/broadcasts/forecast', { tagIds: [tagId] });
      t.is(forecast.status, 200, JSON.stringify(forecast.body));
      t.deepEqual(forecast.body.massSends, [{ accountName: 'default', state: 'sending', errcode: null, recipients: 1 }]);
      t.like(forecast.body, { total: 3, send: 2, skipped: 1, reasons: [{ reason: 'mp_monthly_mass_limit', count: 1 }] });
      t.is(wechat.massSends.requests, requests, 'nothing was mass-sent');

      const { report } = await sentAndFinished(s, { tagIds: [tagId] });
      t.like(report.massSends, [{ accountName: 'default', state: 'sent', recipients: 1 }]);
      t.is(report.byState.sent, forecast.body.send);
      t.deepEqual(report.skipped, forecast.body.reasons);

      // The account mass-sent just now: were it a 订阅号 (one a day), the next would be refused and all its followers skipped.
      const redis = new Redis(REDIS_URL, { keyPrefix: `kefu-test-forecast-subscription-${kind}:` });
      t.teardown(() => redis.disconnect());
      const account = {
        name: 'default',
        appId: mp.appId,
        appSecret: mp.secret,
        token: mp.token,
        apiBase: s.mpBase,
        accountType: 'subscription' as const,
      };
      const client = new WechatMpApiClient(account, redis, () => {});
      const subscription = new Map([
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
      const daily = {
        body: await forecastBroadcast(
          { db: s.service.db, channels: subscription as unknown as ReadonlyMap<ChannelKind, Channel>, logger: s.service.logger },
          { tagIds: [tagId] },
        ),
      };
      t.deepEqual(daily.body.massSends, [{ accountName: 'default', state: 'refused', errcode: 'daily_limit', recipients: 0 }]);
      // These channels know only the mass send: the follower without the user tag has no custom/send here.
      t.deepEqual(byReason(daily.body.reasons), [
        { reason: 'channel_cannot_broadcast', count: 1 },
        { reason: 'mp_daily_mass_limit', count: 2 },
      ]);
    },
  );
}

test.serial(
  'a forecast names the field it cannot read, answers 404 for an unknown segment or tag, and is for marketers and admins',
  async (t) => {
    const s = await startBroadcastService('postgres');
    t.teardown(s.stop);
    const refused = async (body: unknown) => {
      const res = await s.api<{ error: { message: string } }>('POST', '/api/broadcasts/forecast', body);
      return [res.status, JSON.stringify(res.body)] as const;
    };
    const [both, bothBody] = await refused({ segmentId: 1, tagIds: [1] });
    t.is(both, 400);
    t.regex(bothBody, /segmentId or tagIds/);
    const [neither] = await refused({});
    t.is(neither, 400);
    const [noTags, noTagsBody] = await refused({ tagIds: [] });
    t.is(noTags, 400);
    t.regex(noTagsBody, /body\.tagIds/);
    const [when, whenBody] = await refused({ segmentId: 1, sendAt: 'tomorrow' });
    t.is(when, 400);
    t.regex(whenBody, /body\.sendAt/);
    t.is((await refused({ segmentId: 999_999 }))[0], 404);
    t.is((await refused({ tagIds: [999_999] }))[0], 404);

    const agent = await signedInStaff(s.baseUrl, s.service.db, 'agent@example.com', 'agent');
    const segment = await s.api<{ id: number }>('POST', '/api/segments', { name: '空', filter: { channels: ['web'] } });
    t.is((await s.api('POST', '/api/broadcasts/forecast', { segmentId: segment.body.id }, agent)).status, 403);
    const nobody = await s.api<Forecast>('POST', '/api/broadcasts/forecast', {
      segmentId: segment.body.id,
      sendAt: new Date(Date.now() + 3_600_000).toISOString(),
    });
    t.like(nobody.body, { total: 0, send: 0, skipped: 0, reasons: [], channels: [] });
  },
);
