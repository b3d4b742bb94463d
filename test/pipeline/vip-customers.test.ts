import test from 'ava';
import { and, eq } from 'drizzle-orm';
import { tagCustomer, tagIdByName } from '../../src/customers/customer-tags.ts';
import { channelAccounts, conversations, customers, customerTags } from '../../src/db/schema.ts';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import { call, logIn, PASSWORD } from '../support/console-api.ts';
import { eventually, startHarness } from '../support/wecom-service.ts';

/** config/brain/handoff.json `vip.reply`. */
const VIP_GREETING = '尊敬的会员您好，已为您安排专属客服，请稍候～';

test.serial('a customer tagged VIP reaches a person on the first message, and after an agent replied the bot answers again', async (t) => {
  // The service's own brain (the demo knowledge base and config/brain/handoff.json).
  const h = await startHarness({ database: 'postgres' });
  t.teardown(() => h.close());
  const { db } = h.service;
  const [account] = await db
    .select({ id: channelAccounts.id })
    .from(channelAccounts)
    .where(and(eq(channelAccounts.channel, 'wecom'), eq(channelAccounts.name, 'default')));
  const [vip] = await db.insert(customers).values({ channelAccountId: account!.id, externalId: 'qianshi' }).returning();
  const vipTag = await tagIdByName(db, 'vip');
  t.is(await tagIdByName(db, 'VIP'), vipTag, 'one tag whatever the case');
  await tagCustomer(db, vip!.id, vipTag, { source: 'manual' });
  await tagCustomer(db, vip!.id, vipTag, { source: 'wecom' });
  t.deepEqual(
    (await db.select().from(customerTags)).map((row) => [row.tagId, row.source]),
    [[vipTag, 'manual']],
    'tagging twice keeps the first',
  );

  // A FAQ question the bot could answer: the VIP goes to a person all the same.
  await h.sendText('qianshi', '多久发货');
  await h.wecom.waitForDelivered(1);
  t.deepEqual(h.wecom.deliveredTo('qianshi'), [VIP_GREETING]);
  const [waiting] = await eventually(async () => {
    const rows = await db.select().from(conversations).where(eq(conversations.status, 'needs_human'));
    return rows.length > 0 && rows;
  });
  t.is(waiting!.handoffReason, 'vip');

  // A customer without the tag asking the same is answered by the bot.
  await h.sendText('zhouwu', '多久发货');
  await h.wecom.waitForDelivered(2);
  t.regex(h.wecom.deliveredTo('zhouwu')[0]!, /48小时内发货/);

  const user = await createStaffUser(
    db,
    { email: 'agent@example.com', role: 'agent', password: PASSWORD },
    { actorId: null, sourceIp: null, via: 'cli' },
  );
  const { cookie, csrf } = await logIn(h.baseUrl, user.email);
  const api = (method: string, path: string, body?: unknown) => call(h.baseUrl, method, path, { cookie, csrf, body });
  t.is((await api('POST', `/api/conversations/${waiting!.id}/assign`, { assignee: 'me' })).status, 204);
  t.is((await api('POST', `/api/conversations/${waiting!.id}/messages`, { text: '您好，我是您的专属客服' })).status, 201);
  await h.wecom.waitForDelivered(3);
  t.is((await api('POST', `/api/conversations/${waiting!.id}/resolve`)).status, 204);

  // Back with the bot: the VIP is answered, not sent back to the queue.
  await h.sendText('qianshi', '多久发货');
  await h.wecom.waitForDelivered(4);
  const seen = h.wecom.deliveredTo('qianshi');
  t.is(seen.length, 3);
  t.regex(seen[2]!, /48小时内发货/);
  const [after] = await db.select().from(conversations).where(eq(conversations.id, waiting!.id));
  t.is(after!.status, 'bot');
});
