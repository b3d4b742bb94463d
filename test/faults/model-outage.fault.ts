import test from 'ava';
import { FakeOpenAiApi, knowledgeIds } from '../../src/simulator/fake-openai-api.ts';
import { Cluster } from './support/cluster.ts';
import { FAULT_AT_S, RATE, runScenario } from './support/scenario.ts';

/** What a well-behaved model answers to the load's question: the knowledge base's own answer, cited. */
const KB_ANSWER = '在线客服每天9:00～22:00在线（节假日不休），电话客服工作日9:00～18:00；非工作时间留言，我们上班后会第一时间回复。';

test('a model endpoint that answers 429 and then times out: every customer still answered once, from the knowledge base', async (t) => {
  const model = new FakeOpenAiApi();
  const baseUrl = await model.listen();
  t.teardown(() => model.close());
  model.onChat = (request) => ({
    structured: {
      intent: 'store_info',
      entities: { orderNumber: null, phone: null, product: null, date: null, amount: null },
      answer: KB_ANSWER,
      citedChunkIds: knowledgeIds(request).slice(0, 1),
      confidence: 0.95,
      handoffReason: 'none',
    },
  });
  const cluster = await new Cluster({
    apis: 1,
    workers: 2,
    env: { LLM_BASE_URL: baseUrl, LLM_MODEL: 'fake-model', LLM_API_KEY: 'k', LLM_TIMEOUT_MS: '1500', LLM_MAX_RETRIES: '1' },
  }).start();
  t.teardown(() => cluster.close());
  const phases: string[] = [];
  await runScenario(t, {
    name: 'model 429 then timeouts',
    customers: RATE * 30,
    cluster,
    onSecond: (second) => {
      if (second === FAULT_AT_S) {
        model.failNext(1_000_000, { status: 429, retryAfterSeconds: 1, message: 'rate limit reached' });
        phases.push('429');
      } else if (second === FAULT_AT_S + 8) {
        model.clearFaults();
        model.delayMs = 5000; // past LLM_TIMEOUT_MS: every call times out
        phases.push('timeouts');
      } else if (second === FAULT_AT_S + 16) {
        model.delayMs = 0;
        phases.push('recovered');
      }
    },
    drainMs: 120_000,
    note: () => `${model.chatRequests.length} model calls, ${model.faultsServed} answered 429`,
  });
  t.deepEqual(phases, ['429', 'timeouts', 'recovered']);
  t.true(model.faultsServed > 0, 'the storm of 429s was met');
  t.true(model.chatRequests.length > model.faultsServed, 'the model answered outside the outage');
});
