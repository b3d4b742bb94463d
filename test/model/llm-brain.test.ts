import test from 'ava';
import { createChatModel } from '../../src/brain/model/chat-model.ts';
import { customerMessage, knowledgeIds, lastUserMessage, systemPrompt } from '../../src/simulator/fake-openai-api.ts';
import {
  conversation,
  demoKnowledge,
  fakeModelSettings,
  groundedAnswer,
  type KnowledgeFixture,
  modelBrain,
  says,
} from '../support/model-brain.ts';

const LONG_ANSWER = '您好，现货商品付款后48小时内发货，预售商品以页面说明为准，发货后可在订单详情里查看物流信息。';

let shared: KnowledgeFixture;
test.before(async () => {
  shared = await demoKnowledge();
});
test.after.always(() => shared?.close());

test('one call yields intent, entities, the answer and its citations; the prompt carries the persona and the retrieved chunks', async (t) => {
  const f = await modelBrain(shared);
  t.teardown(() => f.close());
  f.fake.onChat = (request) => groundedAnswer(request);
  const decision = await f.brain.answer(conversation(), says('我订单DD20241111001的保温杯啥时候发货'));
  t.is(decision.kind, 'reply');
  t.is(decision.text, '您好，现货商品付款后48小时内发货。');
  t.is(decision.meta.intent, 'shipping_time');
  t.deepEqual(decision.meta.entities, { orderNumber: 'DD20241111001', product: '保温杯' });
  t.is(decision.meta.confidence, 0.92);

  const [request] = f.fake.chatRequests;
  t.is(request!.tools?.[0]?.function.name, 'reply_to_customer', 'function calling by default');
  t.regex(systemPrompt(request!), /悦享生活馆的在线客服“小橙”/);
  t.regex(lastUserMessage(request!), /<passage id="\d+">\n问：下单后多久发货？\n答：现货商品付款后48小时内发货/);
  t.notRegex(systemPrompt(request!), /下单后多久发货|<passage id="\d/, 'knowledge is data in the user turn, never in the system prompt');
  t.is(customerMessage(request!), '我订单DD20241111001的保温杯啥时候发货');
  const sources = decision.meta.sources as Array<{ chunkId: string; documentId: string }>;
  t.deepEqual(sources, [{ chunkId: knowledgeIds(request!)[0]!, kbName: 'default', documentId: 'demo-store.csv' }]);
  t.is(f.observed.latencies, 1);
  t.true(f.observed.tokens.prompt! > 0 && f.observed.tokens.completion === 20);
});

test('citations the prompt never showed are dropped', async (t) => {
  const f = await modelBrain(shared);
  t.teardown(() => f.close());
  f.fake.onChat = (request) => groundedAnswer(request, { citedChunkIds: ['999999', ...knowledgeIds(request).slice(0, 1)] });
  const decision = await f.brain.answer(conversation(), says('多久发货'));
  t.is((decision.meta.sources as unknown[]).length, 1);
});

test('jsonMode asks for a JSON object and puts the schema in the prompt', async (t) => {
  const f = await modelBrain(shared, { structuredOutput: 'jsonMode' });
  t.teardown(() => f.close());
  f.fake.onChat = (request) => groundedAnswer(request);
  const decision = await f.brain.answer(conversation(), says('多久发货'));
  t.is(decision.kind, 'reply');
  const [request] = f.fake.chatRequests;
  t.is(request!.response_format?.type, 'json_object');
  t.is(request!.tools, undefined);
  t.regex(systemPrompt(request!), /JSON Schema[\s\S]*citedChunkIds/);
});

test('when the knowledge base has nothing, the model says so and the bot declines in our wording, offering a person; the second time it hands off', async (t) => {
  const f = await modelBrain(shared);
  t.teardown(() => f.close());
  f.fake.onChat = () => ({
    structured: {
      intent: 'other',
      entities: { orderNumber: null, phone: null, product: null, date: null, amount: null },
      answer: '这个问题我需要请同事为您确认',
      citedChunkIds: [],
      confidence: 0.1,
      handoffReason: 'no_answer',
    },
  });
  const decision = await f.brain.answer(conversation(), says('你们支持火星配送吗'));
  t.is(decision.kind, 'reply');
  t.is(decision.meta.decision, 'clarify');
  t.is(decision.meta.brain, 'model');
  t.regex(decision.text, /^抱歉，这个问题我暂时还不会回答。[\s\S]*回复“人工”为您转接人工客服。$/);
  t.regex(systemPrompt(f.fake.chatRequests[0]!), /资料中没有能回答客户问题的内容，不要猜测/);

  const history = [
    { from: 'customer' as const, text: '你们支持火星配送吗', at: new Date() },
    { from: 'bot' as const, text: decision.text, at: new Date(), meta: decision.meta },
  ];
  const again = await f.brain.answer(conversation(history), says('那月球呢'));
  t.is(again.kind === 'handoff' && again.reason, 'low_confidence');
});

test('the handoff policy runs before the model, and greetings need no model call', async (t) => {
  const f = await modelBrain(shared);
  t.teardown(() => f.close());
  const asked = await f.brain.answer(conversation(), says('转人工'));
  t.is(asked.kind === 'handoff' && asked.reason, 'customer_asked');
  const hello = await f.brain.answer(conversation(), says('你好'));
  t.is(hello.kind, 'reply');
  t.is(f.fake.chatRequests.length, 0);
});

test('after the model, an intent configured as sensitive hands off even when no phrase matched', async (t) => {
  const f = await modelBrain(shared);
  t.teardown(() => f.close());
  f.fake.onChat = (request) => groundedAnswer(request, { intent: 'account_security', answer: '您可以在设置里修改密码。' });
  const decision = await f.brain.answer(conversation(), says('别人好像用了我的号'));
  t.is(decision.kind === 'handoff' && decision.reason, 'sensitive');
  t.not(decision.text, '您可以在设置里修改密码。');
  t.is(decision.meta.intent, 'account_security');
});

test('a 429 with retry-after is retried and then answered', async (t) => {
  const f = await modelBrain(shared);
  t.teardown(() => f.close());
  f.fake.failNext(1, { status: 429, retryAfterSeconds: 0 });
  f.fake.onChat = (request) => groundedAnswer(request);
  const decision = await f.brain.answer(conversation(), says('多久发货'));
  t.is(decision.text, '您好，现货商品付款后48小时内发货。');
  t.is(f.fake.chatRequests.length, 2);
  t.deepEqual(f.observed.errors, []);
});

test('5xx after the retries are spent: the customer still gets the knowledge-base answer, and the error is counted', async (t) => {
  const f = await modelBrain(shared, { maxRetries: 1 });
  t.teardown(() => f.close());
  f.fake.failNext(5, { status: 503 });
  const decision = await f.brain.answer(conversation(), says('多久发货'));
  t.is(f.fake.chatRequests.length, 2, 'one try and one retry');
  t.is(decision.kind, 'reply');
  t.regex(decision.text, /48小时内发货/);
  t.is(decision.meta.brain, 'offline');
  t.is(decision.meta.modelError, '503');
  t.deepEqual(f.observed.errors, ['503']);
});

test('a model slower than LLM_TIMEOUT_MS times out and the turn is answered offline', async (t) => {
  const f = await modelBrain(shared, { timeoutMs: 200, maxRetries: 0 });
  t.teardown(() => f.close());
  // Far slower than the timeout, so that the bound below holds on a loaded machine and still proves
  // the turn did not wait for the model.
  f.fake.delayMs = 10_000;
  f.fake.onChat = (request) => groundedAnswer(request);
  const started = Date.now();
  const decision = await f.brain.answer(conversation(), says('多久发货'));
  t.true(Date.now() - started < 5000);
  t.is(decision.meta.modelError, 'timeout');
  t.regex(decision.text, /48小时内发货/);
});

test('no more than LLM_MAX_CONCURRENCY calls are in flight at once', async (t) => {
  const f = await modelBrain(shared, { maxConcurrency: 2 });
  t.teardown(() => f.close());
  f.fake.delayMs = 150;
  f.fake.onChat = (request) => groundedAnswer(request);
  const decisions = await Promise.all(Array.from({ length: 6 }, () => f.brain.answer(conversation(), says('多久发货'))));
  t.true(decisions.every((d) => d.kind === 'reply' && d.meta.brain === 'model'));
  t.is(f.fake.chatRequests.length, 6);
  t.is(f.fake.maxInFlight, 2);
});

test('the client reads streamed (SSE) text and tool calls from the endpoint', async (t) => {
  const f = await modelBrain(shared);
  t.teardown(() => f.close());
  const model = await createChatModel(fakeModelSettings(f.fake.baseUrl, { maxRetries: 0, maxConcurrency: 1 }));
  f.fake.onChat = () => ({ text: '您好，现货商品付款后48小时内发货。' });
  let streamed = '';
  for await (const chunk of await model.stream('多久发货')) streamed += chunk.content;
  t.is(streamed, '您好，现货商品付款后48小时内发货。');
  t.true(f.fake.chatRequests[0]!.stream);

  f.fake.onChat = (request) => groundedAnswer(request);
  const tool = {
    type: 'function' as const,
    function: { name: 'reply_to_customer', description: 'reply', parameters: { type: 'object', properties: {} } },
  };
  let args = '';
  for await (const chunk of await model.bindTools([tool]).stream('多久发货'))
    args += chunk.tool_call_chunks?.map((c) => c.args ?? '').join('') ?? '';
  t.is(JSON.parse(args).intent, 'shipping_time');
});

for (const structuredOutput of ['functionCalling', 'jsonMode'] as const) {
  test(`${structuredOutput}: while the model writes, the answer reaches the draft sink growing, and the decision is the whole answer`, async (t) => {
    const f = await modelBrain(shared, { structuredOutput });
    t.teardown(() => f.close());
    f.fake.chunkDelayMs = 60;
    f.fake.onChat = (request) => groundedAnswer(request, { answer: LONG_ANSWER });
    const drafts: string[] = [];
    const decision = await f.brain.answer(conversation(), says('多久发货'), { onDraft: (text) => drafts.push(text) });
    t.is(decision.text, LONG_ANSWER);
    t.true(drafts.length >= 3, `drafts: ${JSON.stringify(drafts)}`);
    t.true(
      drafts.every((d, i) => LONG_ANSWER.startsWith(d) && (i === 0 || d.length > drafts[i - 1]!.length)),
      'each draft is a longer beginning of the answer',
    );
    t.true(f.fake.chatRequests[0]!.stream, 'the call streamed');
    t.is(f.observed.tokens.completion, 20, 'usage is still counted');
  });
}

test('a draft sink that throws changes nothing about the answer; without a sink the call does not stream', async (t) => {
  const f = await modelBrain(shared);
  t.teardown(() => f.close());
  f.fake.chunkDelayMs = 20;
  f.fake.onChat = (request) => groundedAnswer(request, { answer: LONG_ANSWER });
  let offered = 0;
  const decision = await f.brain.answer(conversation(), says('多久发货'), {
    onDraft: () => {
      offered++;
      throw new Error('the stream is gone');
    },
  });
  t.true(offered > 0);
  t.is(decision.kind, 'reply');
  t.is(decision.text, LONG_ANSWER);
  t.deepEqual(f.observed.errors, []);

  await f.brain.answer(conversation(), says('多久发货'));
  t.falsy(f.fake.chatRequests[1]!.stream);
});

test('an answer whose intent goes to a person anyway is never drafted', async (t) => {
  const f = await modelBrain(shared);
  t.teardown(() => f.close());
  f.fake.chunkDelayMs = 20;
  f.fake.onChat = (request) => groundedAnswer(request, { intent: 'legal', answer: LONG_ANSWER });
  const drafts: string[] = [];
  const decision = await f.brain.answer(conversation(), says('这个合同条款什么意思'), { onDraft: (text) => drafts.push(text) });
  t.is(decision.kind, 'handoff');
  t.deepEqual(drafts, []);
});
