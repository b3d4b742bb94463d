import test from 'ava';
import { eq } from 'drizzle-orm';
import { tags, tagSyncs } from '../../src/db/schema.ts';
import { callJson, type Credentials } from '../support/console-api.ts';
import { postCallback, sealWecomCallback, wecomCorpTagChangeXml } from '../../src/simulator/wecom-callback.ts';
import { customers } from '../../src/db/schema.ts';
import { staffMember } from '../support/staff-members.ts';
import { app, eventually, type Harness, keys, startHarness } from '../support/wecom-service.ts';

interface Sync {
  state: string;
  imported: number;
  pushed: number;
  lastError: string | null;
}
interface Catalog {
  groups: Array<{ id: number; name: string; tags: Array<{ id: number; name: string; wecom: string }> }>;
}

async function syncNow(h: Harness, who: Credentials): Promise<Sync> {
  const started = await callJson<Sync>(h.baseUrl, who, 'POST', '/api/tag-sync/wecom');
  if (started.status !== 200) throw new Error(`sync refused: ${started.status} ${JSON.stringify(started.body)}`);
  return eventually(
    async () => {
      const s = await callJson<Sync>(h.baseUrl, who, 'GET', '/api/tag-sync/wecom');
      return s.body.state !== 'running' && s.body;
    },
    20_000,
    'the sync to finish',
  );
}

/** Our catalog as `group: [tag (wecom link)]`, sorted, without the empty 未分组 every database starts with. */
async function catalog(h: Harness, who: Credentials): Promise<Record<string, string[]>> {
  const res = await callJson<Catalog>(h.baseUrl, who, 'GET', '/api/tag-groups');
  return Object.fromEntries(
    res.body.groups
      .filter((g) => g.name !== '未分组' || g.tags.length > 0)
      .map((g) => [g.name, g.tags.map((t) => `${t.name} (${t.wecom})`).sort()]),
  );
}

async function tagId(h: Harness, who: Credentials, name: string): Promise<number> {
  const res = await callJson<Catalog>(h.baseUrl, who, 'GET', '/api/tag-groups');
  return res.body.groups.flatMap((g) => g.tags).find((t) => t.name === name)!.id;
}

test.serial('the tag catalog and WeCom’s corp tags sync both ways; another app’s tags are read-only here', async (t) => {
  const h = await startHarness({ database: 'postgres' });
  t.teardown(() => h.close());
  const marketer = await staffMember(h, 'mk@example.com', 'marketer');
  const agent = await staffMember(h, 'agent@example.com', 'agent');
  t.is((await callJson(h.baseUrl, agent, 'POST', '/api/tag-sync/wecom')).status, 403, 'agents do not sync the catalog');

  const vip = h.wecom.corpTags.addByOther('客户等级', 'VIP');
  const group = await callJson<{ id: number }>(h.baseUrl, marketer, 'POST', '/api/tag-groups', { name: '财务' });
  await callJson(h.baseUrl, marketer, 'POST', '/api/tags', { groupId: group.body.id, name: '发票' });
  // Ours already, spelled otherwise: linked to WeCom's, not doubled, and WeCom's spelling kept.
  const levels = await callJson<{ id: number }>(h.baseUrl, marketer, 'POST', '/api/tag-groups', { name: '客户等级' });
  await callJson(h.baseUrl, marketer, 'POST', '/api/tags', { groupId: levels.body.id, name: 'vip' });

  const first = await syncNow(h, marketer);
  t.like(first, { state: 'done', imported: 1, pushed: 1, lastError: null });
  t.deepEqual(await catalog(h, marketer), { 客户等级: ['VIP (read_only)'], 财务: ['发票 (synced)'] });
  t.deepEqual(h.wecom.corpTags.live(), { 客户等级: ['VIP'], 财务: ['发票'] }, 'our tag was created on WeCom in its group');

  // Another app's tag: no rename, no move, no delete here, each with a reason.
  const vipHere = await tagId(h, marketer, 'VIP');
  const rename = await callJson<{ error: string; message: string }>(h.baseUrl, marketer, 'PATCH', `/api/tags/${vipHere}`, { name: '贵宾' });
  t.is(rename.status, 409);
  t.is(rename.body.error, 'tag_read_only');
  t.regex(rename.body.message, /another app created it/);
  t.is((await callJson(h.baseUrl, marketer, 'DELETE', `/api/tags/${vipHere}`)).status, 409);

  // Renamed on WeCom: the import takes the new name. Renamed here (ours): the push sends it.
  h.wecom.corpTags.renameByOther(vip, '大客户');
  const invoice = await tagId(h, marketer, '发票');
  t.is((await callJson(h.baseUrl, marketer, 'PATCH', `/api/tags/${invoice}`, { name: '开票' })).status, 200);
  const second = await syncNow(h, marketer);
  t.like(second, { state: 'done', imported: 1, pushed: 1 });
  t.deepEqual(await catalog(h, marketer), { 客户等级: ['大客户 (read_only)'], 财务: ['开票 (synced)'] });
  t.deepEqual(h.wecom.corpTags.live(), { 客户等级: ['大客户'], 财务: ['开票'] });

  // Nothing changed anywhere: a sync writes nothing on WeCom.
  const writesBefore = h.wecom.corpTags.calls.filter((c) => c.api !== 'get_corp_tag_list').length;
  t.like(await syncNow(h, marketer), { state: 'done', imported: 0, pushed: 0 });
  t.is(h.wecom.corpTags.calls.filter((c) => c.api !== 'get_corp_tag_list').length, writesBefore);

  // Deleted here (ours): deleted on WeCom; deleted on WeCom: deleted here.
  t.is((await callJson(h.baseUrl, marketer, 'DELETE', `/api/tags/${invoice}`)).status, 204);
  h.wecom.corpTags.deleteByOther(vip);
  await syncNow(h, marketer);
  t.deepEqual(h.wecom.corpTags.live(), {}, 'a group whose last tag went is gone on WeCom');
  t.deepEqual(await catalog(h, marketer), { 客户等级: [], 财务: [] });
});

test.serial('a tag renamed on both sides since the last sync takes WeCom’s name', async (t) => {
  const h = await startHarness({ database: 'postgres' });
  t.teardown(() => h.close());
  const marketer = await staffMember(h, 'mk@example.com', 'marketer');
  const group = await callJson<{ id: number }>(h.baseUrl, marketer, 'POST', '/api/tag-groups', { name: '意向' });
  const ours = await callJson<{ id: number }>(h.baseUrl, marketer, 'POST', '/api/tags', { groupId: group.body.id, name: '高意向' });
  await syncNow(h, marketer);
  const [linked] = await h.service.db.select({ wecomTagId: tags.wecomTagId }).from(tags).where(eq(tags.id, ours.body.id));

  await callJson(h.baseUrl, marketer, 'PATCH', `/api/tags/${ours.body.id}`, { name: '强意向' });
  h.wecom.corpTags.renameByOther(linked!.wecomTagId!, 'A级意向');
  await syncNow(h, marketer);
  t.deepEqual(await catalog(h, marketer), { 意向: ['A级意向 (synced)'] }, 'the platform wins on import; our rename is not pushed over it');
  t.deepEqual(h.wecom.corpTags.live(), { 意向: ['A级意向'] });
});

test.serial('a sync cut short by WeCom failing is retried with back-off from its cursor, creating nothing twice', async (t) => {
  const h = await startHarness({ database: 'postgres' });
  t.teardown(() => h.close());
  const marketer = await staffMember(h, 'mk@example.com', 'marketer');
  const group = await callJson<{ id: number }>(h.baseUrl, marketer, 'POST', '/api/tag-groups', { name: '兴趣' });
  for (const name of ['咖啡', '茶', '果汁']) await callJson(h.baseUrl, marketer, 'POST', '/api/tags', { groupId: group.body.id, name });

  // The list and the first add succeed; then WeCom is busy (-1, retryable) twice.
  const answer = h.wecom.corpTags.handle.bind(h.wecom.corpTags);
  let calls = 0;
  let cursorAtFailure: Promise<number> | undefined;
  h.wecom.corpTags.handle = (api, body) => {
    calls++;
    if (calls === 3)
      cursorAtFailure = h.service.db
        .select({ cursor: tagSyncs.cursor })
        .from(tagSyncs)
        .where(eq(tagSyncs.target, 'wecom'))
        .then((rows) => rows[0]!.cursor);
    if (calls === 3 || calls === 4) return { errcode: -1, errmsg: 'system busy' };
    return answer(api, body);
  };
  const done = await syncNow(h, marketer);
  t.like(done, { state: 'done', lastError: null });
  t.deepEqual(h.wecom.corpTags.live(), { 兴趣: ['果汁', '茶', '咖啡'].sort() });
  const adds = h.wecom.corpTags.calls.filter((c) => c.api === 'add_corp_tag').map((c) => (c.body.tag as Array<{ name: string }>)[0]!.name);
  t.deepEqual(adds, ['咖啡', '茶', '果汁'], 'the tag pushed before the failure was not pushed again');
  const [coffee] = await h.service.db.select({ id: tags.id }).from(tags).where(eq(tags.name, '咖啡'));
  t.is(await cursorAtFailure, coffee!.id, 'the cursor held the last tag finished when WeCom failed');
  // The push of customers' tags to WeCom (mark_tag) keeps a row of its own beside the sync's.
  const [row] = await h.service.db.select().from(tagSyncs).where(eq(tagSyncs.target, 'wecom'));
  t.is(row!.cursor, 0, 'a finished sync leaves no cursor behind');
});

test.serial('WeCom’s change_external_tag event starts a sync, and makes no customer of its sender', async (t) => {
  const h = await startHarness({ database: 'postgres' });
  t.teardown(() => h.close());
  const marketer = await staffMember(h, 'mk@example.com', 'marketer');
  const id = h.wecom.corpTags.addByOther('渠道', '展会');
  const event = wecomCorpTagChangeXml({ toCorp: app.corpId, id, tagType: 'tag', changeType: 'create' });
  const res = await postCallback(h.baseUrl, '/callbacks/wecom/default', sealWecomCallback(keys, app.agentId, event));
  t.is(res.status, 200);
  await eventually(async () => (await catalog(h, marketer)).渠道?.[0] === '展会 (read_only)', 30_000, 'the event to bring the tag in');
  t.deepEqual(await h.service.db.select().from(customers), [], '`sys` is not a customer');
});
