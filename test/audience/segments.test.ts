import test from 'ava';
import { eq, sql } from 'drizzle-orm';
import { tagCustomer, tagIdByName } from '../../src/customers/customer-tags.ts';
import { customers } from '../../src/db/schema.ts';
import { callJson, logIn, seedUser, startConsoleApp } from '../support/console-api.ts';
import { customerWrites } from '../support/conversation-fixtures.ts';
import { DATABASE_KINDS } from '../support/databases.ts';

interface Preview {
  count: number;
  customers: Array<{ externalId: string; channel: string; tags: string[] }>;
}

for (const kind of DATABASE_KINDS) {
  test(`${kind}: a marketer counts, previews, saves and exports segments by tags, channel, contact, messages, attributes and reach`, async (t) => {
    const app = await startConsoleApp(kind);
    t.teardown(app.close);
    const { db } = app.database;
    await seedUser(app.database, 'mk@example.com', 'marketer');
    const marketer = await logIn(app.baseUrl, 'mk@example.com');

    const vip = await tagIdByName(db, 'VIP');
    const invoice = await tagIdByName(db, '发票');
    const seed = async (customer: string, channel: 'wecom' | 'wechat-mp' | 'wecom-kf', texts: string[], tagIds: number[]) => {
      let stored: Awaited<ReturnType<typeof customerWrites>> | undefined;
      for (const text of texts) stored = await customerWrites(db, { channel, customer, text });
      for (const tagId of tagIds) await tagCustomer(db, stored!.customerId, tagId, { source: 'manual' });
      return stored!.customerId;
    };
    const a = await seed('a', 'wecom', ['我要开发票'], [vip, invoice]);
    await seed('b', 'wechat-mp', ['发票', '开票', '谢谢'], [invoice]);
    const c = await seed('c', 'wecom-kf', ['你好'], [vip]);
    await seed('d', 'wechat-mp', ['你好'], []);
    // c was last here 3 days ago: outside the Official Account's and 微信客服's 48-hour window.
    await db.update(customers).set({ lastSeenAt: sql`now() - interval '3 days'` }).where(eq(customers.id, c));
    await db
      .update(customers)
      .set({ profile: { city: '杭州', level: 'gold' } })
      .where(eq(customers.id, a));

    const preview = async (filter: object) => {
      const r = await callJson<Preview>(app.baseUrl, marketer, 'POST', '/api/segments/preview', { filter });
      t.is(r.status, 200, JSON.stringify(r.body));
      return r.body.customers.map((m) => m.externalId);
    };
    t.deepEqual(await preview({}), ['a', 'b', 'c', 'd'], 'no condition: everyone');
    t.deepEqual(await preview({ tags: { any: [vip, invoice] } }), ['a', 'b', 'c']);
    t.deepEqual(await preview({ tags: { all: [vip, invoice] } }), ['a']);
    t.deepEqual(await preview({ tags: { none: [vip] } }), ['b', 'd']);
    t.deepEqual(await preview({ channels: ['wechat-mp'] }), ['b', 'd']);
    t.deepEqual(await preview({ messages: { from: 2 } }), ['b'], 'wrote twice or more');
    t.deepEqual(await preview({ attributes: [{ key: 'city', op: 'equals', value: '杭州' }] }), ['a']);
    t.deepEqual(await preview({ attributes: [{ key: 'city', op: 'missing' }] }), ['b', 'c', 'd']);
    t.deepEqual(await preview({ lastContact: { to: new Date(Date.now() - 86_400_000).toISOString() } }), ['c']);
    t.deepEqual(await preview({ reachableNow: true }), ['a', 'b', 'd'], 'c is outside 微信客服’s 48 hours');
    t.deepEqual(
      await preview({ tags: { any: [vip] }, reachableNow: true, channels: ['wecom', 'wecom-kf'] }),
      ['a'],
      'three conditions at once',
    );

    const bad = await callJson(app.baseUrl, marketer, 'POST', '/api/segments/preview', { filter: { tags: { any: [] } } });
    t.is(bad.status, 400, 'an empty tag list is a mistake, not "everyone"');
    const unknown = await callJson(app.baseUrl, marketer, 'POST', '/api/segments/preview', { filter: { colour: 'red' } });
    t.is(unknown.status, 400, 'an unknown condition is refused, not ignored');

    const saved = await callJson<{ id: number }>(app.baseUrl, marketer, 'POST', '/api/segments', {
      name: '开票客户',
      filter: { tags: { any: [invoice] } },
    });
    t.is(saved.status, 201);
    t.is((await callJson(app.baseUrl, marketer, 'POST', '/api/segments', { name: '开票客户', filter: {} })).status, 409);
    const counted = await callJson<Preview>(app.baseUrl, marketer, 'GET', `/api/segments/${saved.body.id}/preview`);
    t.is(counted.body.count, 2);
    t.deepEqual(counted.body.customers[0]!.tags.sort(), ['VIP', '发票'].sort());

    const exported = await fetch(`${app.baseUrl}/api/segments/${saved.body.id}/export`, { headers: { cookie: marketer.cookie! } });
    t.is(exported.status, 200);
    t.regex(exported.headers.get('content-type') ?? '', /^text\/csv/);
    const lines = (await exported.text()).trim().split('\r\n');
    t.is(lines[0], 'id,channel,account,external_id,display_name,first_seen,last_seen,tags');
    t.deepEqual(
      lines.slice(1).map((l) => l.split(',')[3]),
      ['a', 'b'],
    );
  });
}
