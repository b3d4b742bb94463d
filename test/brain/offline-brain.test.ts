import test from 'ava';
import type { ConversationContext, ConversationTurn, CustomerMessage } from '../../src/brain/types.ts';
import { HandoffPolicy } from '../../src/brain/handoff/handoff-policy.ts';
import { loadHandoffRules } from '../../src/brain/handoff/handoff-rules.ts';
import { OfflineBrain } from '../../src/brain/offline-brain.ts';
import { QuestionEntities } from '../../src/brain/question-entities.ts';
import { LexicalIndex } from '../../src/brain/retrieval/lexical-index.ts';
import { SmallTalk } from '../../src/brain/smalltalk/small-talk.ts';
import { CONFIG_DIR, demoBrain, faqEntry, testAnalyzer } from './support/brain-fixtures.ts';

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

const clarify = (from: ConversationTurn['from'], text: string, offered: unknown[] = []): ConversationTurn => ({
  from,
  text,
  at,
  meta: { decision: 'clarify', offered },
});

test('an out-of-scope question is declined with no offer when nothing is close, and no handoff', async (t) => {
  for (const text of ['明天上海会下雨吗', '茅台股票还能买吗', '讲个笑话听听']) {
    const decision = await brain.answer(conversation(), says(text));
    t.is(decision.kind, 'reply', text);
    t.is(decision.meta.decision, 'clarify', text);
    t.deepEqual(decision.meta.offered, [], text);
    t.is(decision.text, '抱歉，这个问题我暂时还不会回答。\n回复“人工”为您转接人工客服。', text);
  }
});

test('an unanswered question near some entries offers up to three of them, with their scores, above the floor', async (t) => {
  // A strict threshold over a tiny knowledge base, so near misses are certain.
  const analyzer = testAnalyzer();
  const index = LexicalIndex.build(
    [
      faqEntry('fee', ['运费怎么收？'], '满99元包邮。'),
      faqEntry('free', ['哪些商品包邮？'], '标注包邮的商品。'),
      faqEntry('ins', ['运费险怎么理赔？'], '退货后自动理赔。'),
      faqEntry('fee2', ['退货运费谁承担？'], '质量问题由我们承担。'),
      faqEntry('gift', ['可以礼品包装吗？'], '可以。'),
    ],
    analyzer,
  );
  const rules = await loadHandoffRules(`${CONFIG_DIR}/handoff.json`);
  const strict = new OfflineBrain({
    retrievers: new Map([['default', index]]),
    threshold: 5,
    clarify: rules.clarify,
    handoff: new HandoffPolicy(rules),
    smallTalk: await SmallTalk.load(`${CONFIG_DIR}/smalltalk.json`),
    entities: await QuestionEntities.load(analyzer, `${CONFIG_DIR}/question-frame.txt`),
  });
  const decision = await strict.answer(conversation(), says('运费多少钱'));
  t.is(decision.kind, 'reply');
  t.is(decision.meta.decision, 'clarify');
  const offered = decision.meta.offered as Array<{ entryId: string; question: string; score: number }>;
  t.true(offered.length >= 1 && offered.length <= 3);
  t.false(
    offered.some((entry) => entry.entryId === 'gift'),
    'an unrelated entry is never offered',
  );
  for (const [i, entry] of offered.entries()) {
    t.true(entry.score >= rules.clarify.minScore, entry.question);
    t.true(decision.text.includes(`\n${i + 1}. ${entry.question}\n`));
  }
  t.true(decision.text.startsWith('抱歉，这个问题我暂时还不会回答。\n您是不是想问：\n1. '));
  t.true(decision.text.endsWith('回复序号查看答案；回复“人工”为您转接人工客服。'));

  const chosen = await strict.answer(
    conversation([turn('customer', '运费多少钱'), { ...turn('bot', decision.text), meta: decision.meta }]),
    says('1'),
  );
  t.is(chosen.kind, 'reply');
  t.is(chosen.meta.entryId, offered[0]!.entryId);
});

test('the customer picks an offered question by its number, in any common form, or by its words', async (t) => {
  const offered = [
    { entryId: 'x', question: '运费怎么收？', score: 0.15 },
    { entryId: 'y', question: '怎么申请退货？', score: 0.13 },
  ];
  const { meta } = await brain.answer(conversation(), says('运费怎么收'));
  const shipping = { ...offered[0]!, entryId: meta.entryId as string };
  const returns = await brain.answer(conversation(), says('怎么申请退货？'));
  const pair = [shipping, { ...offered[1]!, entryId: returns.meta.entryId as string }];
  const history = [turn('customer', '赠品'), clarify('bot', '…', pair)];
  for (const [reply, question] of [
    ['1', '运费怎么收？'],
    ['①', '运费怎么收？'],
    ['第一个', '运费怎么收？'],
    ['2。', '怎么申请退货？'],
    ['第二条', '怎么申请退货？'],
    ['怎么申请退货', '怎么申请退货？'],
  ] as const) {
    const decision = await brain.answer(conversation(history), says(reply));
    t.is(decision.kind, 'reply', reply);
    t.is(decision.meta.question, question, reply);
    t.is(decision.meta.chosenFromOffer, true, reply);
  }
  // A number out of range is an ordinary message (here the second unanswered one in a row); with
  // no offer pending, a number is just not understood.
  const outOfRange = await brain.answer(conversation(history), says('3'));
  t.is(outOfRange.kind === 'handoff' && outOfRange.reason, 'low_confidence');
  t.is((await brain.answer(conversation([turn('customer', '多久发货'), turn('bot', '48小时内')]), says('1'))).meta.decision, 'clarify');
});

test('「人工」 alone after an offer hands the conversation to a person', async (t) => {
  const decision = await brain.answer(conversation([turn('customer', '帮我写一首诗'), clarify('bot', '…')]), says('人工'));
  t.is(decision.kind === 'handoff' && decision.reason, 'customer_asked');
});

test('a second unanswerable question in a row hands off as low_confidence', async (t) => {
  const history = [turn('customer', '帮我算一卦'), clarify('bot', '…')];
  const decision = await brain.answer(conversation(history), says('讲个笑话听听'));
  t.is(decision.kind === 'handoff' && decision.reason, 'low_confidence');
  t.is(decision.meta.streak, 2);
});

test('an answer, a chosen offer or an agent reply breaks the low-confidence streak; small talk does not', async (t) => {
  const answer = { entryId: 'e', question: '运费怎么收？' };
  const breakers = [
    [turn('customer', '帮我算一卦'), clarify('bot', '…'), turn('customer', '1'), { ...turn('bot', '满99元包邮'), meta: answer }],
    [turn('customer', '帮我算一卦'), clarify('bot', '…'), turn('agent', '您好，我是小美')],
  ];
  for (const history of breakers) t.is((await brain.answer(conversation(history), says('讲个笑话听听'))).meta.decision, 'clarify');
  const smallTalkBetween = [
    turn('customer', '帮我算一卦'),
    clarify('bot', '…'),
    turn('customer', '谢谢'),
    { ...turn('bot', '不客气'), meta: { smallTalk: 'thanks' } },
  ];
  const decision = await brain.answer(conversation(smallTalkBetween), says('讲个笑话听听'));
  t.is(decision.kind === 'handoff' && decision.reason, 'low_confidence');
});

test('handoff rules run before retrieval', async (t) => {
  const asked = await brain.answer(conversation(), says('运费怎么算？算了，转人工吧'));
  t.is(asked.kind === 'handoff' && asked.reason, 'customer_asked');
  const vip = await brain.answer(conversation([], ['VIP']), says('运费怎么算'));
  t.is(vip.kind === 'handoff' && vip.reason, 'vip');
});

test('a message without text, or an unknown knowledge base, is declined without an offer', async (t) => {
  const image = await brain.answer(conversation(), [{ kind: 'image', text: '', at }]);
  t.is(image.meta.decision, 'clarify');
  t.is(image.meta.emptyMessage, true);
  const unknownKb = await brain.answer(conversation([], [], 'nope'), says('运费怎么算'));
  t.deepEqual(unknownKb.meta.offered, []);
});
