import test from 'ava';
import { and, eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import type { Queue } from 'bullmq';
import { CUSTOMER_TAG_PUSH } from '../../src/audience/push-customer-tags.ts';
import { sendBroadcastSlice } from '../../src/broadcasts/send-broadcast-slice.ts';
import { WecomApiClient } from '../../src/channels/shared/wecom-api-client.ts';
import type { Channel, ChannelKind } from '../../src/channels/types.ts';
import { throttledContactApi } from '../../src/channels/wecom/contact-api.ts';
import { createWecomGroupSends } from '../../src/channels/wecom/group-sends.ts';
import {
  broadcastGroupTasks,
  broadcastRecipients,
  customers,
  customerTagEvents,
  customerTags,
  tags,
  tagSyncs,
} from '../../src/db/schema.ts';
import { type AudienceJob, createAudienceQueue } from '../../src/queue/audience-queue.ts';
import { postCallback, sealWecomCallback, wecomContactChangeXml } from '../../src/simulator/wecom-callback.ts';
import { callJson } from '../support/console-api.ts';
import { type StaffMember, staffMember } from '../support/staff-members.ts';
import { app, eventually, type Harness, keys, REDIS_URL, startHarness } from '../support/wecom-service.ts';

/**
 * WeCom's external contacts (客户联系) on the real service, PostgreSQL and Redis, WeCom faked on
 * loopback (src/simulator/fake-external-contacts.ts): imported and kept current from the
 * change_external_contact events and the full import, and our tags on them sent back with mark_tag.
 * One service for the file: each test has contacts of its own.
 */
let h: Harness;
let marketer: StaffMember;
let audience: Queue<AudienceJob>;
let redis: Redis;

interface Sync {
  state: string;
  imported: number;
  lastError: string | null;
}

async function runSync(target: string): Promise<Sync> {
  const started = await callJson<Sync>(h.baseUrl, marketer, 'POST', `/api/tag-sync/${target}`);
  if (started.status !== 200) throw new Error(`sync refused: ${started.status} ${JSON.stringify(started.body)}`);
  return eventually(
    async () => {
      const s = await callJson<Sync>(h.baseUrl, marketer, 'GET', `/api/tag-sync/${target}`);
      return s.body.state !== 'running' && s.body;
    },
    20_000,
    `the ${target} run to finish`,
  );
}

test.before(async () => {
  h = await startHarness({ database: 'postgres' });
  marketer = await staffMember(h, 'mk@example.com', 'marketer');
  redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  audience = createAudienceQueue(redis, h.service.redisPrefix, 1);
});

test.after.always(async () => {
  await audience?.close();
  redis?.disconnect();
  await h?.close();
});

async function contactChanged(
  changeType: 'add_external_contact' | 'edit_external_contact' | 'del_external_contact',
  member: string,
  id: string,
) {
  const event = wecomContactChangeXml({ toCorp: app.corpId, changeType, userId: member, externalUserId: id });
  return postCallback(h.baseUrl, '/callbacks/wecom/default', sealWecomCallback(keys, app.agentId, event));
}

/** The customer of an external contact, with their tags' names and how each got there. */
async function contactCustomer(id: string) {
  const [row] = await h.service.db.select().from(customers).where(eq(customers.externalId, id));
  if (!row) return undefined;
  const held = await h.service.db
    .select({ name: tags.name, source: customerTags.source })
    .from(customerTags)
    .innerJoin(tags, eq(tags.id, customerTags.tagId))
    .where(eq(customerTags.customerId, row.id));
  return { ...row, tags: held.map((t) => `${t.name}:${t.source}`).sort() };
}

/** Runs the scheduled push of customers' tag changes now, as its job, and waits for it to finish. */
async function pushTagsNow(): Promise<void> {
  const job = await audience.add('customer-tag-push', { kind: 'customer-tag-push' });
  await eventually(async () => ['completed', 'failed'].includes(await job.getState()), 30_000, 'the push');
}

test.serial('a change_external_contact event imports the contact with their corp tags, and the next keeps them current', async (t) => {
  const vip = h.wecom.corpTags.addByOther('客户等级', 'VIP');
  const gold = h.wecom.corpTags.addByOther('客户等级', '金卡');
  t.like(await runSync('wecom'), { state: 'done' });
  h.wecom.contacts.add('zhangsan', { externalUserId: 'wmEventA', name: '王小姐', remark: '老客户', tagIds: [vip, gold] });

  const res = await contactChanged('add_external_contact', 'zhangsan', 'wmEventA');
  t.is(res.status, 200);
  const kept = await eventually(() => contactCustomer('wmEventA'), 30_000, 'the contact to be imported');
  t.is(kept.displayName, '王小姐');
  t.like(kept.profile, {
    avatar: 'https://wework.qpic.cn/avatar/wmEventA',
    wecomContact: { follows: [{ userId: 'zhangsan', remark: '老客户' }] },
  });
  t.deepEqual(kept.tags, ['VIP:wecom', '金卡:wecom']);

  // A member takes 金卡 off in the WeCom client: WeCom sends edit_external_contact, and it goes here too.
  h.wecom.contacts.tagsOf('zhangsan', 'wmEventA').splice(1);
  await contactChanged('edit_external_contact', 'zhangsan', 'wmEventA');
  await eventually(async () => (await contactCustomer('wmEventA'))!.tags.length === 1, 30_000, 'the tag to go');
  t.deepEqual((await contactCustomer('wmEventA'))!.tags, ['VIP:wecom']);

  // The member deletes the customer: kept, with their history, without follows or corp tags.
  h.wecom.contacts.remove('zhangsan', 'wmEventA');
  await contactChanged('del_external_contact', 'zhangsan', 'wmEventA');
  await eventually(async () => (await contactCustomer('wmEventA'))!.tags.length === 0, 30_000, 'the corp tags to go');
  t.like((await contactCustomer('wmEventA'))!.profile, { wecomContact: { follows: [] } });

  // What came from WeCom is never sent back to it.
  await pushTagsNow();
  t.deepEqual(
    h.wecom.contacts.calls.filter((c) => c.api === 'mark_tag'),
    [],
  );
});

test.serial('tags put on an external contact here reach WeCom with mark_tag; a tag WeCom refuses is recorded and skipped', async (t) => {
  const invoice = h.wecom.corpTags.addByOther('需求', '发票');
  const gone = h.wecom.corpTags.addByOther('需求', '退货');
  t.like(await runSync('wecom'), { state: 'done' });
  h.wecom.contacts.add('lisi', { externalUserId: 'wmMarkB', name: '赵先生' });
  await contactChanged('add_external_contact', 'lisi', 'wmMarkB');
  const customer = await eventually(() => contactCustomer('wmMarkB'), 30_000, 'the contact');

  const tagIdOf = async (wecomTagId: string) =>
    (await h.service.db.select({ id: tags.id }).from(tags).where(eq(tags.wecomTagId, wecomTagId)))[0]!.id;
  const put = await callJson(h.baseUrl, marketer, 'PUT', `/api/customers/${customer.id}/tags/${await tagIdOf(invoice)}`);
  t.is(put.status, 200);
  await pushTagsNow();
  t.deepEqual(h.wecom.contacts.tagsOf('lisi', 'wmMarkB'), [invoice], 'marked for the member who follows them');

  // A pending change here is not undone by a re-fetch that does not have it yet.
  h.wecom.corpTags.deleteByOther(gone);
  await callJson(h.baseUrl, marketer, 'PUT', `/api/customers/${customer.id}/tags/${await tagIdOf(gone)}`);
  await contactChanged('edit_external_contact', 'lisi', 'wmMarkB');
  await eventually(
    async () => h.wecom.contacts.calls.filter((c) => c.api === 'get' && c.body.external_userid === 'wmMarkB').length >= 3,
    10_000,
    'the re-fetch',
  );
  t.deepEqual((await contactCustomer('wmMarkB'))!.tags, ['发票:manual', '退货:manual']);

  // 退货 was deleted on WeCom before the push: mark_tag answers 40068, recorded, and the push goes on.
  const del = await callJson(h.baseUrl, marketer, 'DELETE', `/api/customers/${customer.id}/tags/${await tagIdOf(invoice)}`);
  t.is(del.status, 200);
  await pushTagsNow();
  t.deepEqual(h.wecom.contacts.tagsOf('lisi', 'wmMarkB'), [], 'the removal went after the refused tag');
  const [push] = await h.service.db.select().from(tagSyncs).where(eq(tagSyncs.target, CUSTOMER_TAG_PUSH));
  t.regex(push!.lastError ?? '', /WeCom refuses the corp tag 退货/);
  const marks = h.wecom.contacts.calls.filter((c) => c.api === 'mark_tag');
  t.is(marks.length, 3, 'add 发票, add 退货 (refused), remove 发票: each once');
});

test.serial('the full import pages through the members’ contacts and goes on from its cursor after WeCom fails', async (t) => {
  const level = h.wecom.corpTags.addByOther('来源', '展会');
  t.like(await runSync('wecom'), { state: 'done' });
  for (let i = 0; i < 130; i++)
    h.wecom.contacts.add('wangwu', { externalUserId: `wmBulk${i}`, name: `客户${i}`, tagIds: i === 7 ? [level] : [] });
  // zhangsan follows one of them too: one customer, both follows.
  h.wecom.contacts.add('zhangsan', { externalUserId: 'wmBulk3', name: '客户3', remark: '张三的' });

  // The second page of wangwu's contacts meets WeCom busy (-1) once: the job retries from that page.
  const answer = h.wecom.contacts.handlePost.bind(h.wecom.contacts);
  let failed = false;
  h.wecom.contacts.handlePost = (api, body) => {
    if (api === 'batch/get_by_user' && body.cursor !== '' && !failed) {
      failed = true;
      return { errcode: -1, errmsg: 'system busy' };
    }
    return answer(api, body);
  };
  t.teardown(() => {
    h.wecom.contacts.handlePost = answer;
  });
  const done = await runSync('wecom-contacts');
  t.true(failed);
  t.like(done, { state: 'done', lastError: null });
  const pages = h.wecom.contacts.calls.filter((c) => c.api === 'batch/get_by_user').map((c) => c.body.cursor);
  t.deepEqual(pages, ['', '100'], 'each page answered once: the first was not read again after the failure');

  const bulk = await h.service.db.select().from(customers);
  t.is(bulk.filter((c) => c.externalId.startsWith('wmBulk')).length, 130);
  const three = await contactCustomer('wmBulk3');
  t.deepEqual((three!.profile.wecomContact as { follows: Array<{ userId: string }> }).follows.map((f) => f.userId).sort(), [
    'wangwu',
    'zhangsan',
  ]);
  t.deepEqual((await contactCustomer('wmBulk7'))!.tags, ['展会:wecom']);
  const events = await h.service.db
    .select()
    .from(customerTagEvents)
    .where(and(eq(customerTagEvents.customerId, (await contactCustomer('wmBulk7'))!.id), eq(customerTagEvents.source, 'wecom')));
  t.is(events.length, 1, 'the tag’s arrival is in the customer’s history');

  const agent = await staffMember(h, 'agent-import@example.com', 'agent');
  t.is((await callJson(h.baseUrl, agent, 'POST', '/api/tag-sync/wecom-contacts')).status, 403, 'agents do not import');
});

/** A broadcast to the customers of one new tag, put on `ids` here; resolves with its id. */
/** Broadcasts to the contacts `ids` by a new tag; with the forecast asked for just before. */
async function broadcastTo(tagName: string, ids: string[]): Promise<{ id: number; forecast: Record<string, unknown> }> {
  const group = await callJson<{ id: number }>(h.baseUrl, marketer, 'POST', '/api/tag-groups', { name: `群发-${tagName}` });
  const tag = await callJson<{ id: number }>(h.baseUrl, marketer, 'POST', '/api/tags', { groupId: group.body.id, name: tagName });
  for (const id of ids) {
    h.wecom.contacts.add(id.startsWith('wmGsB') ? 'sunqi' : 'zhaoliu', { externalUserId: id, name: id });
    await contactChanged('add_external_contact', 'zhaoliu', id);
    const customer = await eventually(() => contactCustomer(id), 30_000, `the contact ${id}`);
    await callJson(h.baseUrl, marketer, 'PUT', `/api/customers/${customer.id}/tags/${tag.body.id}`);
  }
  const forecast = await callJson(h.baseUrl, marketer, 'POST', '/api/broadcasts/forecast', { tagIds: [tag.body.id] });
  const created = await callJson<{ id: number }>(h.baseUrl, marketer, 'POST', '/api/broadcasts', {
    name: tagName,
    text: '春节活动：全场八折',
    tagIds: [tag.body.id],
    perMinute: 6000,
  });
  if (created.status !== 201 && created.status !== 200) throw new Error(`broadcast refused: ${created.status}`);
  return { id: created.body.id, forecast: forecast.body };
}

async function recipientsOf(broadcastId: number) {
  const rows = await h.service.db
    .select({
      externalId: customers.externalId,
      state: broadcastRecipients.state,
      reason: broadcastRecipients.reason,
      errcode: broadcastRecipients.errcode,
    })
    .from(broadcastRecipients)
    .innerJoin(customers, eq(customers.id, broadcastRecipients.customerId))
    .where(eq(broadcastRecipients.broadcastId, broadcastId));
  return Object.fromEntries(rows.map((r) => [r.externalId, [r.state, r.reason ?? r.errcode].filter(Boolean).join(':')]));
}

test.serial(
  'a broadcast reaches WeCom external contacts as one group-send task per member; the results record who got it and who was over the monthly limit',
  async (t) => {
    const { id, forecast } = await broadcastTo('春节', ['wmGsA1', 'wmGsA2', 'wmGsB1']);
    t.like(forecast, { total: 3, send: 3, skipped: 0, channels: [{ channel: 'wecom', total: 3, send: 3, skipped: [] }] }, 'as forecast');
    await eventually(
      async () =>
        (await callJson<{ broadcast: { state: string } }>(h.baseUrl, marketer, 'GET', `/api/broadcasts/${id}`)).body.broadcast.state ===
        'done',
      20_000,
      'the broadcast',
    );
    const tasks = h.wecom.groupSends.tasks.map((task) => `${task.sender}: ${task.list.map((e) => e.external_userid).join(',')}`);
    t.deepEqual(tasks.sort(), ['sunqi: wmGsB1', 'zhaoliu: wmGsA1,wmGsA2']);
    t.is(h.wecom.groupSends.tasks[0]!.text, '春节活动：全场八折');
    t.deepEqual(await recipientsOf(id), { wmGsA1: 'sent:awaiting_member', wmGsA2: 'sent:awaiting_member', wmGsB1: 'sent:awaiting_member' });

    // zhaoliu confirms; wmGsA2 has had this month's group messages already. sunqi has not confirmed yet.
    h.wecom.groupSends.received.set('wmGsA2', h.wecom.groupSends.monthlyLimit);
    h.wecom.groupSends.confirm(h.wecom.groupSends.tasks.find((task) => task.sender === 'zhaoliu')!.msgid);
    const job = await audience.add('group-task-check', { kind: 'group-task-check' });
    await eventually(async () => (await job.getState()) === 'completed', 30_000, 'the check');
    t.deepEqual(await recipientsOf(id), { wmGsA1: 'sent', wmGsA2: 'skipped:monthly_limit', wmGsB1: 'sent:awaiting_member' });
  },
);

test.serial('a worker dying while WeCom creates a group-send task never lists its contacts in a second task', async (t) => {
  let release!: () => void;
  h.wecom.groupSends.hold = new Promise<void>((resolve) => {
    release = resolve;
  });
  t.teardown(() => release());
  const before = h.wecom.groupSends.tasks.length;
  const { id } = await broadcastTo('复活', ['wmGsC1', 'wmGsC2']);

  // The request is in flight: the task and its recipients were committed before it left.
  const [task] = await eventually(
    async () => {
      const rows = await h.service.db.select().from(broadcastGroupTasks).where(eq(broadcastGroupTasks.broadcastId, id));
      return rows.length > 0 && rows;
    },
    20_000,
    'the task to be recorded',
  );
  t.like(task, { state: 'creating', sender: 'zhaoliu', recipients: 2 });
  t.deepEqual(await recipientsOf(id), { wmGsC1: 'sending', wmGsC2: 'sending' });

  // That worker is gone (kill -9): another runs the broadcast's next slice.
  const takeover = new Map([['wecom', { groupSends: groupSendsOfHarness() }]]) as unknown as ReadonlyMap<ChannelKind, Channel>;
  t.is(await sendBroadcastSlice({ db: h.service.db, channels: takeover, logger: h.service.logger }, id), 'finished');
  t.deepEqual(await recipientsOf(id), { wmGsC1: 'failed:interrupted', wmGsC2: 'failed:interrupted' });
  const [interrupted] = await h.service.db.select().from(broadcastGroupTasks).where(eq(broadcastGroupTasks.broadcastId, id));
  t.is(interrupted!.state, 'interrupted');

  // The request that was in flight arrives after all: one task on WeCom for those contacts, never two.
  release();
  await eventually(async () => h.wecom.groupSends.tasks.length === before + 1, 30_000, 'the held request');
  t.deepEqual(
    h.wecom.groupSends.tasks.filter((x) => x.list.some((e) => e.external_userid.startsWith('wmGsC'))).map((x) => x.list.length),
    [2],
  );
});

/** The group sends of the service's WeCom app, as a second worker process would build them. */
function groupSendsOfHarness() {
  const client = new WecomApiClient(
    { corpId: app.corpId, secret: app.secret, apiBase: h.env.WECOM_API_BASE! },
    { redis, tokenKey: `${h.service.redisPrefix}:takeover-token`, codePrefix: 'wecom', onTokenFetched: () => {} },
  );
  return createWecomGroupSends('default', throttledContactApi(app.corpId, client, redis));
}
