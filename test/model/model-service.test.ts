import test from 'ava';
import { eq } from 'drizzle-orm';
import { messages } from '../../src/db/schema.ts';
import { FakeOpenAiApi, knowledgeIds } from '../support/fake-openai-api.ts';
import { eventually, startHarness } from '../support/wecom-service.ts';

test('with LLM_* set the service answers through the model, records intent and sources, exports model metrics, and answers offline when the model fails', async (t) => {
  const fake = new FakeOpenAiApi();
  await fake.listen();
  t.teardown(() => fake.close());
  fake.onChat = (request) => ({
    structured: {
      intent: 'shipping_time',
      entities: { orderNumber: null, phone: null, product: null, date: null, amount: null },
      answer: '亲，现货付款后48小时内发出哦。',
      citedChunkIds: knowledgeIds(request).slice(0, 1),
      confidence: 0.9,
      handoffReason: 'none',
    },
  });
  const h = await startHarness({
    database: 'postgres',
    env: { LLM_BASE_URL: fake.baseUrl, LLM_MODEL: 'fake-model', LLM_API_KEY: 'k', LLM_MAX_RETRIES: '0' },
  });
  t.teardown(() => h.close());

  await h.sendText('lisi', '多久发货');
  const [reply] = await h.wecom.waitForDelivered(1);
  t.is(reply!.content, '亲，现货付款后48小时内发出哦。');
  const out = await eventually(
    async () => (await h.service.db.select().from(messages).where(eq(messages.direction, 'out')))[0],
    5000,
    'reply stored',
  );
  t.is(out.meta.intent, 'shipping_time');
  t.is(out.meta.model, 'fake-model');
  t.is((out.meta.sources as Array<{ documentId: string }>)[0]!.documentId, 'demo-store.csv');

  fake.failNext(1, { status: 500 });
  await h.sendText('wangwu', '下单后多久发货？');
  const [, fallback] = await h.wecom.waitForDelivered(2);
  t.regex(fallback!.content, /现货商品付款后48小时内发货/, 'the knowledge-base answer, word for word');

  const metrics = await (await fetch(`${h.baseUrl}/metrics`)).text();
  t.regex(metrics, /kefu_model_latency_seconds_count\{model="fake-model"\} 1/);
  t.regex(metrics, /kefu_model_tokens_total\{model="fake-model",kind="completion"\} 20/);
  t.regex(metrics, /kefu_model_tokens_total\{model="fake-model",kind="prompt"\} \d+/);
  t.regex(metrics, /kefu_model_errors_total\{model="fake-model",code="500"\} 1/);
});
