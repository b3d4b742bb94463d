import test from 'ava';
import { createChatModel } from '../../src/brain/model/chat-model.ts';
import { ConversationMemory, estimateTokens, type StoredSummary, type SummaryStore } from '../../src/brain/model/conversation-memory.ts';
import { createSummarizer } from '../../src/brain/model/summarize-turns.ts';
import type { ConversationTurn } from '../../src/brain/types.ts';
import {
  type ChatReply,
  type ChatRequest,
  customerMessage,
  FakeOpenAiApi,
  lastUserMessage,
  systemPrompt,
} from '../../src/simulator/fake-openai-api.ts';
import { conversation, demoKnowledge, fakeModelSettings, modelBrain, says } from '../support/model-brain.ts';

function turns(count: number, from = 0): ConversationTurn[] {
  return Array.from({ length: count }, (_, i) => ({
    from: (from + i) % 2 === 0 ? 'customer' : 'bot',
    text: `第${from + i}句：我想问一下订单的退货和换货应该怎么处理`,
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, from + i)),
  }));
}

class MemoryStore implements SummaryStore {
  readonly saved = new Map<number, StoredSummary>();
  async load(id: number) {
    return this.saved.get(id);
  }
  async save(id: number, summary: StoredSummary) {
    this.saved.set(id, summary);
  }
}

test('older turns are folded into a summary within its budget, recent ones kept verbatim within theirs, and each turn is summarized once', async (t) => {
  const fake = new FakeOpenAiApi();
  const baseUrl = await fake.listen();
  t.teardown(() => fake.close());
  fake.onChat = () => ({ text: '客户多次询问退货和换货流程，尚未提供订单号。'.repeat(10) });
  const model = await createChatModel(fakeModelSettings(baseUrl, { maxRetries: 0, maxConcurrency: 1 }));
  const store = new MemoryStore();
  const memory = new ConversationMemory(store, createSummarizer(model, '把对话合并为不超过 {{maxChars}} 字的摘要'), {
    recentTokens: 120,
    summaryTokens: 60,
  });

  const history = turns(20);
  const first = await memory.recall(7, history);
  const recentTokens = first.recent.reduce((n, turn) => n + estimateTokens(turn.text) + 4, 0);
  t.true(recentTokens <= 120 && first.recent.length >= 3, `recent ${first.recent.length} turns, ${recentTokens} tokens`);
  t.deepEqual(first.recent, history.slice(history.length - first.recent.length));
  t.true(estimateTokens(first.summary!) <= 60, 'summary clamped to its budget');
  t.is(store.saved.get(7)!.through, history[history.length - first.recent.length - 1]!.at);
  const folded = lastUserMessage(fake.chatRequests[0]!);
  t.regex(folded, /第0句/);
  t.notRegex(folded, new RegExp(`第${history.length - 1}句`));
  t.regex(systemPrompt(fake.chatRequests[0]!), /不超过 60 字/);

  // Two more turns: only what newly left the verbatim window is summarized, with the old summary.
  await memory.recall(7, [...history, ...turns(2, 20)]);
  t.is(fake.chatRequests.length, 2);
  const second = lastUserMessage(fake.chatRequests[1]!);
  t.regex(second, /已有摘要：\n客户多次询问/);
  t.notRegex(second, /第0句/);
  // Nothing new left the window: no call.
  await memory.recall(7, [...history, ...turns(2, 20)]);
  t.is(fake.chatRequests.length, 2);

  // A failed summary call keeps the old summary and leaves the turns for the next time.
  const through = store.saved.get(7)!.through;
  fake.failNext(1, { status: 500 });
  const failed = await memory.recall(7, [...history, ...turns(4, 20)]);
  t.is(fake.faultsServed, 1);
  t.regex(failed.summary!, /^客户多次询问/);
  t.deepEqual(store.saved.get(7)!.through, through);
  await memory.recall(7, [...history, ...turns(4, 20)]);
  const requests = fake.chatRequests.length;
  t.true(store.saved.get(7)!.through > through, `the next turn folds them: ${requests} requests, ${fake.faultsServed} faults`);
});

/** The fake model: a structured answer about returns, and a summary when asked for one (no tools). */
const answerReturnsWithSummary = (request: ChatRequest): ChatReply =>
  request.tools
    ? {
        structured: {
          intent: 'return',
          entities: { orderNumber: null, phone: null, product: null, date: null, amount: null },
          answer: '签收后7天内可申请无理由退货。',
          citedChunkIds: [],
          confidence: 0.9,
          handoffReason: 'none',
        },
      }
    : { text: '客户在咨询退换货。' };

test('the model sees the summary and only the recent turns', async (t) => {
  const shared = await demoKnowledge();
  t.teardown(() => shared.close());
  const f = await modelBrain(shared);
  t.teardown(() => f.close());
  f.fake.onChat = answerReturnsWithSummary;
  const history = turns(40);
  await f.brain.answer(conversation(history), says('那运费谁出'));
  const answerCall = f.fake.chatRequests.find((r) => r.tools)!;
  t.regex(lastUserMessage(answerCall), /<summary>\n客户在咨询退换货。\n<\/summary>/, 'the summary is data in the user turn');
  t.notRegex(systemPrompt(answerCall), /客户在咨询退换货/);
  const quoted = answerCall.messages.filter((m) => m.role === 'user' || m.role === 'assistant');
  t.true(quoted.length < history.length, `${quoted.length} messages quoted`);
  t.is(customerMessage(answerCall), '那运费谁出');
  t.is(quoted.at(-2)!.content, history.at(-1)!.text);
});

test('an answer reports the tokens of each of its model calls, the summary’s included, as the endpoint counted them', async (t) => {
  const shared = await demoKnowledge();
  t.teardown(() => shared.close());
  const f = await modelBrain(shared);
  t.teardown(() => f.close());
  f.fake.onChat = answerReturnsWithSummary;
  const reported: number[] = [];
  await f.brain.answer(conversation(turns(40)), says('那运费谁出'), { onTokens: (count) => reported.push(count) });
  t.is(f.fake.chatRequests.length, 2, 'a summary and an answer');
  // The fake's usage, as the real API reports it: prompt + completion tokens of each call.
  const billed = f.fake.chatRequests.map((r) => 100 + JSON.stringify(r.messages).length + 20);
  t.deepEqual(reported, billed);
});
