import test from 'ava';
import type { ConversationContext, ConversationTurn, CustomerMessage } from '../../src/brain/types.ts';
import { demoBrain, FALLBACK } from './support/brain-fixtures.ts';

const { brain } = await demoBrain();
const at = new Date('2025-01-01T10:00:00Z');

function conversation(history: ConversationTurn[] = [], tags: string[] = [], knowledgeBase = 'default'): ConversationContext {
  return { conversationId: 1, customer: { id: 7, tags }, knowledgeBase, history };
}
const says = (...texts: string[]): CustomerMessage[] => texts.map((text) => ({ kind: 'text', text, at }));
const turn = (from: ConversationTurn['from'], text: string): ConversationTurn => ({ from, text, at });

test('a greeting or thanks gets a short reply without retrieval', async (t) => {
  const greeting = await brain.answer(conversation(), says('你好'));
  t.is(greeting.kind, 'reply');
  t.deepEqual(greeting.meta, { smallTalk: 'greeting' });
  const thanks = await brain.answer(conversation(), says('谢谢！'));
  t.deepEqual(thanks.meta, { smallTalk: 'thanks' });
});

test('a question is answered with the best entry, its score and sources', async (t) => {
  const decision = await brain.answer(conversation(), says('你好', '请问运费怎么算？'));
  t.is(decision.kind, 'reply');
  t.regex(decision.text, /满99元包邮/);
  t.is(decision.meta.question, '运费怎么收？');
  t.true((decision.meta.score as number) > 0);
  t.true(Array.isArray(decision.meta.sources) && (decision.meta.sources as unknown[]).length > 0);
});

test('an out-of-scope question is declined and handed to a person', async (t) => {
  for (const text of ['明天上海会下雨吗', '帮我写一首诗', '茅台股票还能买吗']) {
    const decision = await brain.answer(conversation(), says(text));
    t.is(decision.kind, 'handoff', text);
    t.is(decision.kind === 'handoff' && decision.reason, 'no_answer', text);
    t.is(decision.text, FALLBACK);
  }
});

test('a second unanswerable question in a row hands off as low_confidence', async (t) => {
  const history = [turn('customer', '帮我算一卦'), turn('bot', FALLBACK)];
  const decision = await brain.answer(conversation(history), says('讲个笑话听听'));
  t.is(decision.kind === 'handoff' && decision.reason, 'low_confidence');
  t.is(decision.meta.streak, 2);
});

test('an answered question or an agent reply breaks the low-confidence streak', async (t) => {
  const answeredBetween = [turn('customer', '帮我算一卦'), turn('customer', '运费怎么算')];
  const afterAnswer = await brain.answer(conversation(answeredBetween), says('讲个笑话听听'));
  t.is(afterAnswer.kind === 'handoff' && afterAnswer.reason, 'no_answer');
  const agentBetween = [turn('customer', '帮我算一卦'), turn('agent', '您好，我是小美')];
  const decision = await brain.answer(conversation(agentBetween), says('讲个笑话听听'));
  t.is(decision.kind === 'handoff' && decision.reason, 'no_answer');
});

test('handoff rules run before retrieval', async (t) => {
  const asked = await brain.answer(conversation(), says('运费怎么算？算了，转人工吧'));
  t.is(asked.kind === 'handoff' && asked.reason, 'customer_asked');
  const vip = await brain.answer(conversation([], ['VIP']), says('运费怎么算'));
  t.is(vip.kind === 'handoff' && vip.reason, 'vip');
});

test('a message without text, or an unknown knowledge base, goes to a person', async (t) => {
  const image = await brain.answer(conversation(), [{ kind: 'image', text: '', at }]);
  t.is(image.kind === 'handoff' && image.reason, 'no_answer');
  const unknownKb = await brain.answer(conversation([], [], 'nope'), says('运费怎么算'));
  t.is(unknownKb.kind === 'handoff' && unknownKb.reason, 'no_answer');
});
