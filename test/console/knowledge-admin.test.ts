import test from 'ava';
import { auditLog, conversations } from '../../src/db/schema.ts';
import { FakeOpenAiApi, knowledgeIds } from '../../src/simulator/fake-openai-api.ts';
import { call, callJson, type Credentials, signedInStaff } from '../support/console-api.ts';
import { answerOnceSettled, uploadDocument } from '../support/bot-answers.ts';
import { type Harness, startHarness } from '../support/wecom-service.ts';

interface Doc {
  name: string;
  version: number;
  status: string;
  chunkCount: number;
}

const returnsCsv = (answer: string) => `question,answer,similar\n怎么退货？,${answer},退货流程是什么|我想退货\n`;

test('an admin uploads, previews, rolls back and removes a document, the running bot follows each change, and a bad file keeps the served version', async (t) => {
  const h = await startHarness({ database: 'postgres', env: { KB_DEMO_FILE: 'none' } });
  t.teardown(() => h.close());
  const admin = await signedInStaff(h.baseUrl, h.service.db, 'admin@example.com', 'admin');

  const first = await uploadDocument(h, admin, 'default', 'returns.csv', returnsCsv('七天内可以无理由退货，请在订单页申请。'));
  t.is(first.status, 200, await first.clone().text());
  t.like(await first.json(), { kbName: 'default', name: 'returns.csv', status: 'imported', version: 1, chunks: 1 });
  t.regex(
    await answerOnceSettled(h, '我想退货', (a) => /七天内可以无理由退货/.test(a)),
    /七天内可以无理由退货/,
    'the running worker answers from the upload',
  );

  const again = await uploadDocument(h, admin, 'default', 'returns.csv', returnsCsv('七天内可以无理由退货，请在订单页申请。'));
  t.like(await again.json(), { status: 'unchanged', version: 1 });

  const second = await uploadDocument(h, admin, 'default', 'returns.csv', returnsCsv('十五天内可以无理由退货，运费我们出。'));
  t.like(await second.json(), { status: 'imported', version: 2 });
  t.regex(await answerOnceSettled(h, '我想退货', (a) => /十五天内/.test(a)), /十五天内/);

  const chunks = await callJson<{ chunks: Array<{ questions: string[]; answer: string }> }>(
    h.baseUrl,
    admin,
    'GET',
    '/api/knowledge-bases/default/documents/returns.csv/chunks',
  );
  t.is(chunks.status, 200);
  t.deepEqual(
    chunks.body.chunks.map((c) => [c.questions, c.answer]),
    [[['怎么退货？', '退货流程是什么', '我想退货'], '十五天内可以无理由退货，运费我们出。']],
  );
  const oldChunks = await callJson<{ chunks: Array<{ answer: string }> }>(
    h.baseUrl,
    admin,
    'GET',
    '/api/knowledge-bases/default/documents/returns.csv/chunks?version=1',
  );
  t.deepEqual(
    oldChunks.body.chunks.map((c) => c.answer),
    ['七天内可以无理由退货，请在订单页申请。'],
    'the replaced version keeps its chunks',
  );

  // A file that cannot be read: refused with the reason, the served version untouched.
  const broken = await uploadDocument(h, admin, 'default', 'returns.csv', 'what,ever\n1,2\n');
  t.is(broken.status, 400);
  t.regex(((await broken.json()) as { message: string }).message, /header must name the question and answer/);
  const unsupported = await uploadDocument(h, admin, 'default', 'returns.exe', 'MZ');
  t.is(unsupported.status, 400);
  t.regex(((await unsupported.json()) as { message: string }).message, /unsupported file type; import .md/);
  const tooBig = await uploadDocument(h, admin, 'default', 'big.txt', Buffer.alloc(20 * 1024 * 1024 + 1, 'a'));
  t.is(tooBig.status, 413);
  t.like(await tooBig.json(), { error: 'file_too_large' });
  const listed = await callJson<{ documents: Doc[] }>(h.baseUrl, admin, 'GET', '/api/knowledge-bases/default/documents');
  t.deepEqual(
    listed.body.documents.map((d) => [d.name, d.version, d.status, d.chunkCount]),
    [['returns.csv', 2, 'active', 1]],
  );

  const rolledBack = await callJson<Doc>(h.baseUrl, admin, 'POST', '/api/knowledge-bases/default/documents/returns.csv/rollback', {
    version: 1,
  });
  t.is(rolledBack.status, 200);
  t.like(rolledBack.body, { version: 1, status: 'active', chunkCount: 1 });
  t.regex(await answerOnceSettled(h, '我想退货', (a) => /七天内/.test(a)), /七天内/, 'the worker serves version 1 again');
  const versions = await callJson<{ versions: Doc[] }>(
    h.baseUrl,
    admin,
    'GET',
    '/api/knowledge-bases/default/documents/returns.csv/versions',
  );
  t.deepEqual(
    versions.body.versions.map((v) => [v.version, v.status]),
    [
      [2, 'replaced'],
      [1, 'active'],
    ],
  );
  const servedAgain = await callJson(h.baseUrl, admin, 'POST', '/api/knowledge-bases/default/documents/returns.csv/rollback', {
    version: 1,
  });
  t.like(servedAgain, { status: 409, body: { error: 'version_not_restorable' } });

  const removed = await call(h.baseUrl, 'DELETE', '/api/knowledge-bases/default/documents/returns.csv', admin);
  t.is(removed.status, 204);
  t.notRegex(await answerOnceSettled(h, '我想退货', (a) => !/无理由退货/.test(a)), /无理由退货/, 'removed: no longer answered');
  t.is((await call(h.baseUrl, 'DELETE', '/api/knowledge-bases/default/documents/returns.csv', admin)).status, 404);

  const audited = (await h.service.db.select({ action: auditLog.action, details: auditLog.details }).from(auditLog)).filter((a) =>
    a.action.startsWith('kb.'),
  );
  t.deepEqual(
    audited.map((a) => [a.action, (a.details as { version?: number }).version]),
    [
      ['kb.document_upload', 1],
      ['kb.document_upload', 2],
      ['kb.document_rollback', 1],
      ['kb.document_remove', undefined],
    ],
  );
});

const shopFaq = [
  'question,answer,similar',
  '怎么退货？,七天内可以无理由退货，请在订单页申请。,退货流程是什么',
  '多久发货？,付款后48小时内发货。,什么时候发货|几天能发出',
  '',
].join('\n');

interface Entry {
  chunkId: number;
  question: string;
  similar: string[];
  answer: string;
}
interface Check {
  duplicates: Array<{ question: string; entryQuestion: string }>;
  nearDuplicates: Array<{ question: string; entryQuestion: string; score: number }>;
}

test('an admin edits an FAQ entry in place: duplicates are refused, near-duplicates (what the bot answers with another entry) are shown, and the bot answers with the edit', async (t) => {
  const h = await startHarness({ database: 'postgres', env: { KB_DEMO_FILE: 'none' } });
  t.teardown(() => h.close());
  const admin = await signedInStaff(h.baseUrl, h.service.db, 'admin@example.com', 'admin');
  t.is((await uploadDocument(h, admin, 'default', 'shop.csv', shopFaq)).status, 200);
  const { body } = await callJson<{ entries: Entry[] }>(h.baseUrl, admin, 'GET', '/api/knowledge-bases/default/faq');
  t.deepEqual(
    body.entries.map((e) => [e.question, e.similar]),
    [
      ['怎么退货？', ['退货流程是什么']],
      ['多久发货？', ['什么时候发货', '几天能发出']],
    ],
  );
  const returns = body.entries[0]!;
  const path = `/api/knowledge-bases/default/faq/${returns.chunkId}`;

  const check = (entry: Omit<Entry, 'chunkId'>) =>
    callJson<Check>(h.baseUrl, admin, 'POST', '/api/knowledge-bases/default/faq/check', { ...entry, chunkId: returns.chunkId });
  const duplicated = await check({ question: '怎么退货', similar: ['什么时候 发货？'], answer: returns.answer });
  t.deepEqual(duplicated.body.duplicates, [
    { question: '什么时候 发货？', chunkId: body.entries[1]!.chunkId, entryQuestion: '多久发货？' },
  ]);
  const near = await check({ question: '怎么退货', similar: ['下单以后几天发货呀'], answer: returns.answer });
  t.deepEqual(near.body.duplicates, []);
  t.deepEqual(
    near.body.nearDuplicates.map((n) => [n.question, n.entryQuestion]),
    [['下单以后几天发货呀', '多久发货？']],
    'the bot answers that question with the shipping entry',
  );
  const own = await check({ question: '怎么退货？', similar: ['退货流程是什么'], answer: returns.answer });
  t.deepEqual(own.body, { duplicates: [], nearDuplicates: [] }, 'an entry does not conflict with itself');

  const refused = await callJson(h.baseUrl, admin, 'PUT', path, { question: '怎么退货？', similar: ['多久发货'], answer: 'x' });
  t.like(refused, { status: 409, body: { error: 'duplicate_question' } });

  const saved = await callJson<{ entry: Entry; check: Check }>(h.baseUrl, admin, 'PUT', path, {
    question: '怎么退货？',
    similar: ['退货流程是什么', '东西不想要了能退吗'],
    answer: '十五天内可以无理由退货，运费我们出。',
  });
  t.is(saved.status, 200);
  t.like(saved.body.entry, { chunkId: returns.chunkId, similar: ['退货流程是什么', '东西不想要了能退吗'] });
  t.regex(await answerOnceSettled(h, '东西不想要了能退吗', (a) => /十五天内/.test(a)), /十五天内/, 'the worker answers with the edit');

  const [audit] = (await h.service.db.select({ action: auditLog.action, details: auditLog.details }).from(auditLog)).filter(
    (a) => a.action === 'kb.faq_edit',
  );
  t.like(audit?.details, { question: { from: '怎么退货？', to: '怎么退货？' }, answerChanged: true });

  // The original sheet imported again replaces the edit rather than being skipped as unchanged.
  const reimported = await uploadDocument(h, admin, 'default', 'shop.csv', shopFaq);
  t.like(await reimported.json(), { status: 'imported', version: 2 });
});

interface Trial {
  question: string;
  candidates: Array<{ question: string | null; scores: { lexical?: number; dense?: number; fused: number } }>;
  decision: { verdict: string; text: string; reason?: string; meta: Record<string, unknown> };
  citations: Array<{ chunkId: string }>;
  prompt?: Array<{ role: string; content: string }>;
}

const tryIt = (h: Harness, who: Credentials, text: string) =>
  callJson<Trial>(h.baseUrl, who, 'POST', '/api/knowledge-bases/default/try', { text });

test('「试一试」 shows the offline bot’s decision — answer, decline, handoff — with the candidates’ lexical scores and the citations, storing nothing', async (t) => {
  const h = await startHarness({ database: 'postgres', env: { KB_DEMO_FILE: 'none' } });
  t.teardown(() => h.close());
  const admin = await signedInStaff(h.baseUrl, h.service.db, 'admin@example.com', 'admin');
  t.is((await uploadDocument(h, admin, 'default', 'shop.csv', shopFaq)).status, 200);

  const answered = await tryIt(h, admin, '你好，请问几天能发出？');
  t.is(answered.status, 200);
  t.is(answered.body.question, '几天能发出', 'searched without the greeting');
  t.like(answered.body.decision, { verdict: 'answer', text: '付款后48小时内发货。' });
  t.is(answered.body.candidates[0]!.question, '多久发货？');
  t.true(answered.body.candidates[0]!.scores.lexical! > 0.5, JSON.stringify(answered.body.candidates[0]));
  t.is(answered.body.candidates[0]!.scores.dense, undefined, 'no embeddings endpoint: no dense channel');
  t.true(answered.body.citations.length > 0);
  t.is(answered.body.prompt, undefined, 'no model, no prompt');

  const unknown = await tryIt(h, admin, '你们的发票抬头可以开个人吗');
  t.like(unknown.body.decision, { verdict: 'decline' }, 'nothing close enough to offer: the bot says it cannot answer');
  t.deepEqual(unknown.body.candidates, []);
  const person = await tryIt(h, admin, '转人工');
  t.like(person.body.decision, { verdict: 'handoff', reason: 'customer_asked' });
  t.deepEqual(await h.service.db.select().from(conversations), [], 'a trial stores no conversation');
});

test('with a model configured, 「试一试」 shows the prompt the model was given and its cited chunk', async (t) => {
  const fake = new FakeOpenAiApi();
  await fake.listen();
  t.teardown(() => fake.close());
  fake.onChat = (request) => ({
    structured: {
      intent: 'shipping_time',
      entities: { orderNumber: null, phone: null, product: null, date: null, amount: null },
      answer: '亲，付款后48小时内就发出啦。',
      citedChunkIds: knowledgeIds(request).slice(0, 1),
      confidence: 0.9,
      handoffReason: 'none',
    },
  });
  const h = await startHarness({
    database: 'postgres',
    env: { KB_DEMO_FILE: 'none', LLM_BASE_URL: fake.baseUrl, LLM_MODEL: 'fake-model', LLM_API_KEY: 'k', LLM_MAX_RETRIES: '0' },
  });
  t.teardown(() => h.close());
  const admin = await signedInStaff(h.baseUrl, h.service.db, 'admin@example.com', 'admin');
  t.is((await uploadDocument(h, admin, 'default', 'shop.csv', shopFaq)).status, 200);
  // Asked at once after the upload's 200: the process's own index holds the upload by then.
  const trial = await tryIt(h, admin, '几天能发出');
  t.like(trial.body.decision, { verdict: 'answer', text: '亲，付款后48小时内就发出啦。' }, JSON.stringify(trial.body.decision.meta));
  t.is(trial.body.prompt?.[0]?.role, 'system');
  // Knowledge is data, never instructions: the retrieved entry is fenced in the customer's turn.
  t.notRegex(trial.body.prompt![0]!.content, /付款后48小时内发货/, 'no knowledge in the system prompt');
  const last = trial.body.prompt!.at(-1)!;
  t.is(last.role, 'human');
  t.regex(last.content, /付款后48小时内发货/, 'the retrieved entry is in the user turn');
  t.regex(last.content, /几天能发出/);
  t.is(trial.body.citations.length, 1);
});
