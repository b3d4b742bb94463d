import test from 'ava';
import { decideAnswer } from '../../src/brain/answer-decision.ts';
import { HandoffPolicy } from '../../src/brain/handoff/handoff-policy.ts';
import { loadHandoffRules } from '../../src/brain/handoff/handoff-rules.ts';
import { OfflineBrain } from '../../src/brain/offline-brain.ts';
import { QuestionEntities } from '../../src/brain/question-entities.ts';
import { LexicalIndex } from '../../src/brain/retrieval/lexical-index.ts';
import { SmallTalk } from '../../src/brain/smalltalk/small-talk.ts';
import type { IndexedChunk } from '../../src/brain/retrieval/types.ts';
import type { BrainDecision, ConversationContext, ConversationTurn, CustomerMessage } from '../../src/brain/types.ts';
import { CONFIG_DIR, faqEntry, passage, testAnalyzer } from './support/brain-fixtures.ts';

const at = new Date('2025-01-01T10:00:00Z');
const says = (text: string): CustomerMessage[] => [{ kind: 'text', text, at }];
const conversation = (history: ConversationTurn[] = []): ConversationContext => ({
  conversationId: 1,
  customer: { id: 7, tags: [] },
  knowledgeBase: 'default',
  history,
});
const afterReply = (question: string, reply: BrainDecision): ConversationTurn[] => [
  { from: 'customer', text: question, at },
  { from: 'bot', text: reply.text, at, meta: reply.meta },
];

const analyzer = testAnalyzer();
const rules = await loadHandoffRules(`${CONFIG_DIR}/handoff.json`);
const brainOver = async (chunks: IndexedChunk[]) =>
  new OfflineBrain({
    retrievers: new Map([['default', LexicalIndex.build(chunks, analyzer)]]),
    threshold: rules.clarify.minScore,
    clarify: rules.clarify,
    handoff: new HandoffPolicy(rules),
    smallTalk: await SmallTalk.load(`${CONFIG_DIR}/smalltalk.json`),
    entities: await QuestionEntities.load(analyzer, `${CONFIG_DIR}/question-frame.txt`),
  });
const brain = await brainOver([
  faqEntry('invoice', ['发票怎么开？'], '下单时选择开具电子发票。'),
  faqEntry('phone', ['客服电话是多少？'], '400-800-1234，9点到21点。'),
  faqEntry('gift', ['可以礼品包装吗？'], '可以，下单时备注即可。'),
]);
const twoPart = '发票怎么开？客服电话';
const asked = await brain.answer(conversation(), says(twoPart));
const offered = (asked.meta.offered ?? []) as Array<{ entryId: string; question: string }>;

test('when two entries each answer part of the question, the bot asks which was meant instead of guessing', (t) => {
  t.is(asked.kind, 'reply');
  t.is(asked.meta.decision, 'ask');
  t.deepEqual(offered.map((o) => o.entryId).sort(), ['invoice', 'phone']);
  t.is(
    asked.text,
    ['您想问的是：', `1. ${offered[0]!.question}`, `2. ${offered[1]!.question}`, '回复序号查看答案；回复“人工”为您转接人工客服。'].join(
      '\n',
    ),
  );
});

test('the customer answers a question back with a number in any form or with its words, and gets that entry', async (t) => {
  const history = afterReply(twoPart, asked);
  for (const [reply, pick] of [
    ['1', 0],
    ['2', 1],
    ['第二个', 1],
    ['２', 1],
    ['选1', 0],
    [offered[1]!.question.replace('？', ''), 1],
  ] as const) {
    const decision = await brain.answer(conversation(history), says(reply));
    t.is(decision.meta.entryId, offered[pick]!.entryId, reply);
    t.is(decision.meta.chosenFromOffer, true, reply);
  }
});

test('a reply in a few words picks the one offered entry that speaks of them; other words are a new question', async (t) => {
  const history = afterReply(twoPart, asked);
  for (const [reply, entryId] of [
    ['电话', 'phone'],
    ['客服电话', 'phone'],
    ['发票', 'invoice'],
  ] as const) {
    const decision = await brain.answer(conversation(history), says(reply));
    t.is(decision.meta.entryId, entryId, reply);
    t.is(decision.meta.chosenFromOffer, true, reply);
  }
  const other = await brain.answer(conversation(history), says('可以礼品包装吗'));
  t.is(other.meta.entryId, 'gift');
  t.is(other.meta.chosenFromOffer, undefined);
});

test('a question back is not an unanswered turn: the next unanswerable question is declined, not handed off', async (t) => {
  const decision = await brain.answer(conversation(afterReply(twoPart, asked)), says('明天上海会下雨吗'));
  t.is(decision.kind, 'reply');
  t.is(decision.meta.decision, 'clarify');
});

test('a question the best entry answers whole is answered, even when another scores close', (t) => {
  const decide = (candidates: Parameters<typeof decideAnswer>[0]) =>
    decideAnswer(candidates, { threshold: 0.2, askWithin: 0.9, maxOffers: 3 });
  // The runner-up mentions nothing the best does not: the same reading, only worse put.
  t.deepEqual(
    decide([
      { score: 0.6, weak: false, covered: ['发票'] },
      { score: 0.58, weak: false, covered: ['发票'] },
    ]),
    { kind: 'answer', index: 0 },
  );
  // It speaks of another thing the question names: either may be meant.
  t.deepEqual(
    decide([
      { score: 0.6, weak: false, covered: ['发票'] },
      { score: 0.58, weak: false, covered: ['积分'] },
      { score: 0.3, weak: false, covered: ['会员'] },
    ]),
    { kind: 'ask', indexes: [0, 1] },
  );
  // Not close, or below the threshold, or weak: no question back.
  t.is(
    decide([
      { score: 0.6, weak: false, covered: [] },
      { score: 0.5, weak: false, covered: ['积分'] },
    ]).kind,
    'answer',
  );
  t.is(
    decide([
      { score: 0.21, weak: false, covered: [] },
      { score: 0.199, weak: false, covered: ['积分'] },
    ]).kind,
    'answer',
  );
  t.is(
    decide([
      { score: 0.6, weak: false, covered: [] },
      { score: 0.59, weak: true, covered: ['积分'] },
    ]).kind,
    'answer',
  );
  // A weak best entry is not answered, whatever its score; nothing at all is declined plainly.
  t.deepEqual(decide([{ score: 0.9, weak: true, covered: [] }]), { kind: 'decline', weak: true });
  t.deepEqual(decide([]), { kind: 'decline', weak: false });
});

test('passages have no question to offer, so the best one answers instead of an empty question back', async (t) => {
  const documents = await brainOver([
    passage('invoice', '发票怎么开：下单时选择开具电子发票。'),
    passage('phone', '客服电话是多少：400-800-1234，9点到21点。'),
  ]);
  const { decision, candidates } = documents.match('default', twoPart);
  t.is(decision.kind, 'ask', 'the two passages are as close as the two entries');
  const reply = await documents.answer(conversation(), says(twoPart));
  t.is(reply.meta.entryId, candidates[0]!.chunkId);
  // A passage is answered with its answering sentences and the document they come from.
  t.is(reply.text, `${candidates[0]!.chunk.text}\n（摘自《doc》）`);
});
