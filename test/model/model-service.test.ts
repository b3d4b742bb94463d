import test from 'ava';
import { eq } from 'drizzle-orm';
import { conversations, messages } from '../../src/db/schema.ts';
import { FakeOpenAiApi, lastUserMessage } from '../../src/simulator/fake-openai-api.ts';
import { MODEL_ANSWER, MODEL_SUMMARY, wellBehavedModel } from '../support/model-brain.ts';
import { eventually, startHarness } from '../support/wecom-service.ts';

test('with LLM_* set the service answers through the model, records intent and sources, remembers, exports model metrics, and answers offline when the model fails', async (t) => {
  const fake = new FakeOpenAiApi();
  await fake.listen();
  t.teardown(() => fake.close());
  fake.onChat = wellBehavedModel;
  const h = await startHarness({
    database: 'postgres',
    env: { LLM_BASE_URL: fake.baseUrl, LLM_MODEL: 'fake-model', LLM_API_KEY: 'k', LLM_MAX_RETRIES: '0', MEMORY_RECENT_TOKENS: '40' },
  });
  t.teardown(() => h.close());

  await h.sendText('lisi', '多久发货');
  const [reply] = await h.wecom.waitForDelivered(1);
  t.is(reply!.content, MODEL_ANSWER);
  const out = await eventually(
    async () => (await h.service.db.select().from(messages).where(eq(messages.direction, 'out')))[0],
    5000,
    'reply stored',
  );
  t.is(out.meta.intent, 'shipping_time');
  t.is(out.meta.model, 'fake-model');
  t.is((out.meta.sources as Array<{ documentId: string }>)[0]!.documentId, 'demo-store.csv');
  // The tokens the endpoint reported for this answer (usage: prompt + completion), for the dashboard's cost.
  t.true((out.meta.modelTokens as number) > 120, `modelTokens ${String(out.meta.modelTokens)}`);

  // Later turns push the first ones out of the verbatim window: they are summarized onto the conversation.
  await h.sendText('lisi', '那顺丰呢，可以发顺丰吗');
  await h.wecom.waitForDelivered(2);
  await h.sendText('lisi', '好的，那运费怎么算呢');
  await h.wecom.waitForDelivered(3);
  const remembered = await eventually(
    async () => {
      const [row] = await h.service.db.select().from(conversations);
      return row?.summary ? row : undefined;
    },
    5000,
    'summary stored',
  );
  t.is(remembered.summary, MODEL_SUMMARY);
  t.truthy(remembered.summarizedThrough);
  t.regex(lastUserMessage(fake.chatRequests.find((r) => !r.tools)!), /客户：多久发货/);

  fake.failNext(1, { status: 500 });
  await h.sendText('wangwu', '下单后多久发货？');
  const fallback = (await h.wecom.waitForDelivered(4))[3];
  t.regex(fallback!.content, /现货商品付款后48小时内发货/, 'the knowledge-base answer, word for word');

  const metrics = await (await fetch(`${h.baseUrl}/metrics`)).text();
  // Three answers counted (the summary call is not an answer; the failed call is an error).
  t.regex(metrics, /kefu_model_latency_seconds_count\{model="fake-model"\} 3/);
  t.regex(metrics, /kefu_model_tokens_total\{model="fake-model",kind="completion"\} 60/);
  t.regex(metrics, /kefu_model_tokens_total\{model="fake-model",kind="prompt"\} \d+/);
  t.regex(metrics, /kefu_model_errors_total\{model="fake-model",code="500"\} 1/);
});
