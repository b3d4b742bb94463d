import test from 'ava';
import { Queue } from 'bullmq';
import { eq } from 'drizzle-orm';
import { redisPrefixFor } from '../../src/db/database-identity.ts';
import { conversations, customers, teams } from '../../src/db/schema.ts';
import { AUDIENCE_QUEUE } from '../../src/queue/audience-queue.ts';
import { callJson, type Credentials } from '../support/console-api.ts';
import { handoffBrain, staffMember } from '../support/staff-members.ts';
import { eventually, type Harness, REDIS_URL, startHarness } from '../support/wecom-service.ts';

interface Rule {
  id: number;
  backfill: { state: string; progress: number; tagged: number };
}

/** The customer's tags as the API shows them: what the panel and the brain read. */
async function tagsOf(h: Harness, who: Credentials, externalId: string): Promise<string[] | undefined> {
  const [customer] = await h.service.db.select({ id: customers.id }).from(customers).where(eq(customers.externalId, externalId));
  if (!customer) return undefined;
  const panel = await callJson<{ tags: string[] }>(h.baseUrl, who, 'GET', `/api/customers/${customer.id}`);
  return panel.body.tags;
}

test.serial(
  'a marketer’s keyword rule tags who wrote it before (backfill) and who writes it now (after the turn), records how, and routes the waiting to a team',
  async (t) => {
    const h = await startHarness({ database: 'postgres', brain: handoffBrain() });
    t.teardown(() => h.close());
    const marketer = await staffMember(h, 'mk@example.com', 'marketer');
    const admin = await staffMember(h, 'admin@example.com', 'admin');

    // Written before any rule exists.
    await h.sendText('zhangsan', '你好，我要开发票');
    await h.wecom.waitForDelivered(1);

    const group = await callJson<{ id: number }>(h.baseUrl, marketer, 'POST', '/api/tag-groups', { name: '财务' });
    t.is(group.status, 201);
    const invoice = await callJson<{ id: number }>(h.baseUrl, marketer, 'POST', '/api/tags', { groupId: group.body.id, name: '发票' });
    t.is(invoice.status, 201);
    const duplicate = await callJson(h.baseUrl, marketer, 'POST', '/api/tags', { groupId: group.body.id, name: '发票' });
    t.is(duplicate.status, 409, 'a group has one tag of a name');
    const bad = await callJson(h.baseUrl, marketer, 'POST', '/api/tag-rules', {
      name: '退款两次',
      tagId: invoice.body.id,
      condition: { kind: 'keywords', words: ['退款'], times: 2 },
    });
    t.is(bad.status, 400, 'counting needs a window');

    const created = await callJson<Rule>(h.baseUrl, marketer, 'POST', '/api/tag-rules', {
      name: '开票客户',
      tagId: invoice.body.id,
      condition: { kind: 'keywords', words: ['开发票', '开票'] },
    });
    t.is(created.status, 201, JSON.stringify(created.body));
    const done = await eventually(async () => {
      const rule = await callJson<Rule>(h.baseUrl, marketer, 'GET', `/api/tag-rules/${created.body.id}`);
      return rule.body.backfill.state === 'done' && rule.body;
    });
    t.deepEqual(done.backfill, { state: 'done', progress: 1, tagged: 1 }, 'the history was walked once');
    t.deepEqual(await tagsOf(h, admin, 'zhangsan'), ['发票']);

    // Routing: the 发票 customers who wait go to finance.
    const [finance] = await h.service.db.insert(teams).values({ name: '财务组' }).returning();
    const segment = await callJson<{ id: number }>(h.baseUrl, marketer, 'POST', '/api/segments', {
      name: '开票客户',
      filter: { tags: { any: [invoice.body.id] } },
      routeTeamId: finance!.id,
    });
    t.is(segment.status, 201, JSON.stringify(segment.body));

    await h.sendText('lisi', '我要开发票，转人工');
    await h.wecom.waitForDelivered(2);
    t.deepEqual(await eventually(() => tagsOf(h, admin, 'lisi').then((tags) => tags?.length && tags)), ['发票'], 'tagged after the turn');
    const [lisi] = await h.service.db.select({ id: customers.id }).from(customers).where(eq(customers.externalId, 'lisi'));
    const routed = await eventually(async () => {
      const [row] = await h.service.db.select().from(conversations).where(eq(conversations.customerId, lisi!.id));
      return row?.teamId === finance!.id && row;
    });
    t.is(routed.status, 'needs_human');

    const history = await callJson<{ events: Array<{ tag: string; action: string; source: string; ruleId: number | null }> }>(
      h.baseUrl,
      admin,
      'GET',
      `/api/customers/${lisi!.id}/tag-history`,
    );
    t.is(history.body.events.length, 1);
    t.like(history.body.events[0], { tag: '发票', action: 'added', source: 'rule', ruleId: created.body.id });

    // By hand: an admin takes it off, recorded with who.
    const off = await callJson<{ changed: boolean }>(h.baseUrl, admin, 'DELETE', `/api/customers/${lisi!.id}/tags/${invoice.body.id}`);
    t.deepEqual(off.body, { changed: true });
    const after = await callJson<{ events: Array<{ action: string; source: string; userId: number | null }> }>(
      h.baseUrl,
      admin,
      'GET',
      `/api/customers/${lisi!.id}/tag-history`,
    );
    t.like(after.body.events[0], { action: 'removed', source: 'manual', userId: admin.id });
    t.is((await callJson(h.baseUrl, marketer, 'DELETE', `/api/tags/${invoice.body.id}`)).status, 409, 'a rule still sets it');
  },
);

test.serial('with no tag rule enabled a turn queues no tag-rule job, unless a message asks to opt out of broadcasts', async (t) => {
  const h = await startHarness({ database: 'postgres' });
  t.teardown(() => h.close());
  const audience = new Queue(AUDIENCE_QUEUE, { connection: { url: REDIS_URL }, prefix: await redisPrefixFor(h.service.db, h.prefix) });
  t.teardown(() => audience.close());
  const jobs = async () =>
    (await audience.getJobs(['waiting', 'active', 'completed', 'failed', 'delayed'])).filter((j) => j.name === 'messages');

  await h.sendText('lisi', '请问几点开门');
  await h.wecom.waitForDelivered(1);
  await h.sendText('lisi', '退订');
  await h.wecom.waitForDelivered(2);
  // Once the opt-out is recorded, the first turn's job, queued before the second turn began, would be there too.
  await eventually(async () => (await jobs()).some((job) => String(job.returnvalue).includes('opted out 1')));
  const queued = await jobs();
  t.is(queued.length, 1, 'only the turn with an opt-out word queued a job');
});
