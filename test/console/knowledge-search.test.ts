import { copyFileSync, cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import test from 'ava';
import { and, eq } from 'drizzle-orm';
import { messages } from '../../src/db/schema.ts';
import { call, type Credentials, logIn, PASSWORD } from '../support/console-api.ts';
import { customerWrites, waitForPerson } from '../support/conversation-fixtures.ts';
import { tempDir, writeFixture } from '../support/kb-fixtures.ts';
import { runKb } from '../support/kb-cli.ts';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import { eventually, type Harness, startHarness } from '../support/wecom-service.ts';

interface Search {
  kbName: string;
  results: Array<{ chunkId: string; kbName: string; document: string; question: string | null; answer: string; score: number }>;
}

async function signIn(h: Harness, email: string, role: 'agent' | 'supervisor'): Promise<Credentials> {
  await createStaffUser(h.service.db, { email, role, password: PASSWORD }, { actorId: null, sourceIp: null, via: 'cli' });
  return logIn(h.baseUrl, email);
}

const search = (h: Harness, who: Credentials, query: Record<string, string | number>) =>
  call(h.baseUrl, 'GET', `/api/knowledge/search?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`, who);

async function results(h: Harness, who: Credentials, query: Record<string, string | number>): Promise<Search> {
  const response = await search(h, who, query);
  if (response.status !== 200) throw new Error(`search answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Search;
}

test('an agent searching the demo knowledge base gets the entry the bot answered with, and finds it again by a paraphrase', async (t) => {
  // Role `all` with the real brain: the console search uses the indexes the worker's brain loaded.
  const h = await startHarness({ database: 'pglite' });
  t.teardown(() => h.close());
  const agent = await signIn(h, 'agent@example.com', 'agent');

  await h.sendText('zhangsan', '你们多久发货啊');
  const [reply] = await h.wecom.waitForDelivered(1);
  t.regex(reply!.content, /48小时内发货/);
  const botMessage = await eventually(async () => {
    const [row] = await h.service.db
      .select({ meta: messages.meta })
      .from(messages)
      .where(and(eq(messages.sender, 'bot'), eq(messages.direction, 'out')));
    return row;
  });

  const same = await results(h, agent, { q: '你们多久发货啊' });
  t.is(same.kbName, 'default');
  t.is(same.results[0]!.chunkId, String(botMessage.meta.entryId), 'the bot’s own search: the entry it answered with comes first');
  t.like(same.results[0], { kbName: 'default', document: 'demo-store.csv', question: '下单后多久发货？' });
  t.regex(same.results[0]!.answer, /48小时内发货/);

  const paraphrase = await results(h, agent, { q: '我今天付的款，大概什么时候能给我寄出来', limit: 3 });
  t.true(paraphrase.results.length <= 3);
  t.is(paraphrase.results[0]!.question, '下单后多久发货？');
  t.true(
    paraphrase.results.every((r, i) => i === 0 || r.score <= paraphrase.results[i - 1]!.score),
    'best first',
  );

  const refused = async (query: Record<string, string | number>) => {
    const response = await search(h, agent, query);
    return [response.status, ((await response.json()) as { error: string }).error];
  };
  t.deepEqual(await refused({ q: '' }), [400, 'bad_request']);
  t.deepEqual(await refused({ q: '发货', limit: 21 }), [400, 'bad_request']);
  t.deepEqual(await refused({ q: '发货', kb: 'nope' }), [404, 'not_found']);
  t.deepEqual(await refused({ q: '发货', conversationId: 999_999 }), [404, 'not_found']);
});

test('an API process loads the knowledge bases on its first search, searches the conversation’s own, and follows later imports', async (t) => {
  const h = await startHarness({
    database: 'postgres',
    role: 'api',
    env: { KB_DEMO_FILE: 'none', WEB_CHAT_KNOWLEDGE_BASE: 'shop' },
  });
  t.teardown(() => h.close());
  const agent = await signIn(h, 'agent@example.com', 'agent');
  const lead = await signIn(h, 'lead@example.com', 'supervisor');
  const kbEnv = { ...h.env, LOG_LEVEL: 'silent' };
  const dir = tempDir();
  const returns = writeFixture(
    dir,
    'returns.csv',
    'question,answer,similar\n怎么退货？,在订单页点申请售后，选退货退款。,退货流程|东西不想要了怎么退\n',
  );
  const imported = await runKb(['import', returns, '--kb', 'shop'], kbEnv);
  t.is(imported.code, 0, imported.stderr);

  // The web account answers from `shop` (WEB_CHAT_KNOWLEDGE_BASE): so does the search for its conversation.
  const waiting = await customerWrites(h.service.db, { channel: 'web', customer: 'u:10086', text: '人工' });
  await waitForPerson(h.service.db, waiting.conversationId);
  const first = await results(h, agent, { q: '这个东西不想要了，怎么退', conversationId: waiting.conversationId });
  t.is(first.kbName, 'shop');
  t.deepEqual(
    first.results.map((r) => [r.question, r.answer]),
    [['怎么退货？', '在订单页点申请售后，选退货退款。']],
  );
  t.deepEqual((await results(h, agent, { q: '怎么退货' })).results, [], '`default` is another, empty knowledge base');
  t.is((await results(h, agent, { q: '怎么退货', kb: 'shop' })).results.length, 1, 'or name one');

  const withBot = await customerWrites(h.service.db, { channel: 'web', customer: 'u:10010', text: '你好' });
  t.is((await search(h, agent, { q: '退货', conversationId: withBot.conversationId })).status, 403, 'a conversation the agent may not see');
  t.is((await search(h, lead, { q: '退货', conversationId: withBot.conversationId })).status, 200);

  const points = writeFixture(dir, 'points.csv', 'question,answer,similar\n积分可以换什么？,100积分抵1元。,积分怎么用\n');
  const announced = await runKb(['import', points, '--kb', 'shop'], kbEnv);
  t.is(announced.code, 0, announced.stderr);
  t.regex(announced.stdout, /announced the change of "shop" to 1 running process\b/, 'the API process listens since its first search');
  await eventually(
    async () => (await results(h, agent, { q: '积分怎么用', kb: 'shop' })).results[0]?.answer === '100积分抵1元。',
    10_000,
    'the imported document is searched',
  );
  t.pass();
});

test('an API process that cannot load the knowledge bases answers 503, and loads them on a later search once it can', async (t) => {
  // handoff.json alone: enough for the process to start (its settings' defaults), not for the knowledge bases.
  const brainDir = join(tempDir(), 'brain');
  mkdirSync(brainDir);
  copyFileSync('config/brain/handoff.json', join(brainDir, 'handoff.json'));
  const h = await startHarness({ database: 'postgres', role: 'api', env: { KB_DEMO_FILE: 'none', BRAIN_CONFIG_DIR: brainDir } });
  t.teardown(() => h.close());
  const agent = await signIn(h, 'agent@example.com', 'agent');

  const failed = await search(h, agent, { q: '多久发货' });
  t.is(failed.status, 503, 'the brain configuration is missing');
  t.is(((await failed.json()) as { error: string }).error, 'unavailable');

  cpSync('config/brain', brainDir, { recursive: true });
  t.deepEqual(await results(h, agent, { q: '多久发货' }), { kbName: 'default', results: [] }, 'loaded now: an empty `default`');
});
