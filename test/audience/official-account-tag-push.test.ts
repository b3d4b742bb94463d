import test from 'ava';
import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { CUSTOMER_TAG_PUSH, pushCustomerTags } from '../../src/audience/push-customer-tags.ts';
import { WechatMpApiClient } from '../../src/channels/wechat-mp/api-client.ts';
import { createMpUserTags } from '../../src/channels/wechat-mp/user-tags.ts';
import type { PlatformCustomerTags } from '../../src/channels/types.ts';
import { tagCustomer, tagIdByName, untagCustomer } from '../../src/customers/customer-tags.ts';
import { channelAccounts, customers, tagSyncs } from '../../src/db/schema.ts';
import { FakeWechatMpApi } from '../../src/simulator/fake-wechat-mp-api.ts';
import { captureLogs } from '../support/captured-logs.ts';
import { migratedDatabase } from '../support/databases.ts';
import { REDIS_URL } from '../support/wecom-service.ts';

async function setUp(t: import('ava').ExecutionContext) {
  // An app id of this test's own: the token cache in Redis is keyed by it.
  const account = { name: 'default', appId: `wxtags${Math.random().toString(36).slice(2, 12)}`, appSecret: 'tags-secret', token: 't' };
  const database = await migratedDatabase('postgres');
  const wechat = new FakeWechatMpApi({ appId: account.appId, appSecret: account.appSecret });
  const apiBase = await wechat.listen();
  const redis = new Redis(REDIS_URL);
  t.teardown(async () => {
    redis.disconnect();
    await wechat.close();
    await database.close();
  });
  const { db } = database.handle;
  const client = new WechatMpApiClient({ ...account, apiBase }, redis, () => {});
  const platforms = new Map<'wechat-mp', PlatformCustomerTags>([['wechat-mp', createMpUserTags(() => client)]]);
  const [mp] = await db.insert(channelAccounts).values({ channel: 'wechat-mp', name: 'default' }).returning();
  const [web] = await db.insert(channelAccounts).values({ channel: 'web', name: 'default' }).returning();
  const customer = async (accountId: number, externalId: string) =>
    (await db.insert(customers).values({ channelAccountId: accountId, externalId }).returning())[0]!.id;
  return { db, wechat, platforms, mp: mp!.id, web: web!.id, customer };
}

test('tags put on and taken off Official Account followers here reach their OA user tags; other channels’ customers and OA-sourced changes are not sent', async (t) => {
  const { db, wechat, platforms, mp, web, customer } = await setUp(t);
  const follower = await customer(mp, 'oFollower1');
  const visitor = await customer(web, 'visitor-1');
  const vip = await tagIdByName(db, 'VIP');
  const invoice = await tagIdByName(db, '发票');
  await tagCustomer(db, follower, vip, { source: 'manual', userId: 1 });
  await tagCustomer(db, follower, invoice, { source: 'rule', ruleId: 1 });
  await tagCustomer(db, visitor, vip, { source: 'manual' });
  await untagCustomer(db, follower, invoice, { source: 'manual' });
  // Came from the Official Account itself: sending it back would echo.
  await tagCustomer(db, follower, await tagIdByName(db, '公众号来的'), { source: 'wechat-mp' });

  const logs = captureLogs();
  t.deepEqual(await pushCustomerTags(db, platforms, logs.logger), { pushed: 3, skipped: 0 });
  t.deepEqual(wechat.userTags.tagsOf('oFollower1'), ['VIP']);
  t.deepEqual(wechat.userTags.tagsOf('visitor-1'), []);
  t.deepEqual([...wechat.userTags.tags.values()].sort(), ['VIP', '发票'], 'tags are made on the account when first needed');

  // Nothing new: a second run sends nothing.
  const callsBefore = wechat.userTags.calls.length;
  t.deepEqual(await pushCustomerTags(db, platforms, logs.logger), { pushed: 0, skipped: 0 });
  t.is(wechat.userTags.calls.length, callsBefore);
});

test('the Official Account’s 100 tags per account and 20 per user refuse a change with a clear reason before calling, and the push goes on', async (t) => {
  const { db, wechat, platforms, mp, customer } = await setUp(t);
  const full = await customer(mp, 'oFull');
  const other = await customer(mp, 'oOther');
  wechat.userTags.fill(100);
  // A tag the account already has still goes on; a new one cannot be made.
  const existing = [...wechat.userTags.tags.values()][0]!;
  await tagCustomer(db, other, await tagIdByName(db, '第101个'), { source: 'manual' });
  await tagCustomer(db, other, await tagIdByName(db, existing), { source: 'manual' });

  const logs = captureLogs();
  t.deepEqual(await pushCustomerTags(db, platforms, logs.logger), { pushed: 1, skipped: 1 });
  t.false(wechat.userTags.calls.includes('create'), 'no tags/create was tried past the limit');
  t.deepEqual(wechat.userTags.tagsOf('oOther'), [existing]);
  const [afterAccount] = await db.select().from(tagSyncs).where(eq(tagSyncs.target, CUSTOMER_TAG_PUSH));
  t.regex(afterAccount!.lastError!, /has 100 tags, its maximum of 100/);
  t.regex(logs.raw(), /platform_tag_limit/);

  // A user with 20 tags takes no 21st.
  const ids = [...wechat.userTags.tags.keys()];
  wechat.userTags.users.set('oFull', new Set(ids.slice(0, 20)));
  await tagCustomer(db, full, await tagIdByName(db, [...wechat.userTags.tags.values()][30]!), { source: 'manual' });
  const tagged = wechat.userTags.calls.filter((c) => c === 'members/batchtagging').length;
  t.deepEqual(await pushCustomerTags(db, platforms, logs.logger), { pushed: 0, skipped: 1 });
  t.is(wechat.userTags.calls.filter((c) => c === 'members/batchtagging').length, tagged, 'batchtagging was not called');
  const [afterUser] = await db.select().from(tagSyncs).where(eq(tagSyncs.target, CUSTOMER_TAG_PUSH));
  t.regex(afterUser!.lastError!, /already has 20 Official Account tags, the maximum of 20/);
});

test('an Official Account outage stops the push at the change it could not send, and the next run resumes there', async (t) => {
  const { db, wechat, platforms, mp, customer } = await setUp(t);
  const a = await customer(mp, 'oA');
  const b = await customer(mp, 'oB');
  await tagCustomer(db, a, await tagIdByName(db, '咖啡'), { source: 'manual' });
  await tagCustomer(db, b, await tagIdByName(db, '茶'), { source: 'manual' });
  const logs = captureLogs();
  const answer = wechat.userTags.handle.bind(wechat.userTags);
  let busy = false;
  wechat.userTags.handle = (api, body) => {
    if (busy) return { errcode: -1, errmsg: 'system busy' };
    const res = answer(api, body);
    if (api === 'members/batchtagging') busy = true;
    return res;
  };
  await t.throwsAsync(pushCustomerTags(db, platforms, logs.logger), { message: /system busy/ });
  t.deepEqual(wechat.userTags.tagsOf('oA'), ['咖啡']);
  busy = false;
  wechat.userTags.handle = answer;
  const tagged = wechat.userTags.calls.filter((c) => c === 'members/batchtagging').length;
  t.deepEqual(await pushCustomerTags(db, platforms, logs.logger), { pushed: 1, skipped: 0 });
  t.deepEqual(wechat.userTags.tagsOf('oB'), ['茶']);
  t.is(wechat.userTags.calls.filter((c) => c === 'members/batchtagging').length, tagged + 1, 'oA was not tagged again');
});
