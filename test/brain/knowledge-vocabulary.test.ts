import test from 'ava';
import { parseDocument } from '../../src/brain/knowledge/parse-document.ts';
import {
  buildLexicalIndex,
  createRetrievalContext,
  loadRetrievalSettings,
  type RetrievalContext,
} from '../../src/brain/load-offline-brain.ts';
import { foldRadicals } from '../../src/brain/retrieval/cjk-radicals.ts';
import { KnowledgeVocabulary, splitPinyin } from '../../src/brain/retrieval/knowledge-vocabulary.ts';
import { TextAnalyzer } from '../../src/brain/retrieval/text-analyzer.ts';
import { CONFIG_DIR, demoBrain, faqEntry, passage, testAnalyzer } from './support/brain-fixtures.ts';

// The general configuration alone (config/brain): no business's vocabulary, as a company that
// imports its own FAQ meets it.
let general: Promise<RetrievalContext> | undefined;
function generalContext(): Promise<RetrievalContext> {
  general ??= loadRetrievalSettings(CONFIG_DIR).then((settings) => createRetrievalContext(CONFIG_DIR, settings));
  return general;
}

const clinic = [
  faqEntry('insurance', ['可以用医保吗？', '社保卡能刷吗'], '本院已接入医保，挂号和治疗都可以刷社保卡。'),
  faqEntry('cleaning', ['洗牙多少钱？'], '超声波洗牙每次 198 元。'),
  faqEntry('booking', ['怎么预约看牙？'], '在公众号菜单「预约挂号」选择医生和时间。'),
  faqEntry('hours', ['门诊营业时间是几点到几点？'], '每天 9:00–18:00，节假日照常。'),
];

async function clinicIndex() {
  const context = await generalContext();
  return { index: buildLexicalIndex(clinic, context), threshold: context.settings.threshold };
}

test("a clinic's 社保卡 question is in its domain: the domain is the clinic's knowledge base, not a shipped list", async (t) => {
  const { index, threshold } = await clinicIndex();
  const [hit] = index.search('能用社保卡吗', 1);
  t.is(hit?.chunkId, 'insurance');
  t.true(hit!.score >= threshold, `score ${hit?.score} under the threshold ${threshold}`);
});

test('a question that shares no informative word with the knowledge base is scored down, and one that does is not', async (t) => {
  const context = await generalContext();
  const withEvidence = buildLexicalIndex(clinic, context);
  const without = buildLexicalIndex(clinic, {
    ...context,
    settings: { ...context.settings, index: { ...context.settings.index, outOfDomainFactor: 1 } },
  });
  const score = (index: typeof withEvidence, question: string) => index.search(question, 1)[0]?.score ?? 0;
  // 多少钱 is the clinic's vocabulary; 机票 and 北京 are not.
  t.true(score(withEvidence, '去北京的机票多少钱') < score(without, '去北京的机票多少钱') * 0.8);
  t.true(score(withEvidence, '去北京的机票多少钱') < context.settings.threshold);
  t.is(score(withEvidence, '洗牙多少钱'), score(without, '洗牙多少钱'));
});

test('pinyin typed for want of an input method reaches the words of the knowledge base', async (t) => {
  const { index } = await clinicIndex();
  t.is(index.vocabulary.correct('xiya duoshao qian'), '洗牙 多少 钱');
  t.is(index.search('xiya duoshao qian', 1)[0]?.chunkId, 'cleaning');
});

test('the demo store answers the questions issue #14 saw handed off: pinyin, traditional characters, its own word for its store', async (t) => {
  const { brain, settings } = await demoBrain();
  for (const [question, entry] of [
    ['duojiu fahuo', '下单后多久发货？'],
    ['發票怎麼開', '可以开发票吗？'],
    ['你们店在哪', '你们有实体店吗？在哪里？'],
  ] as const) {
    const { candidates, decision } = brain.match('default', question);
    const [hit] = candidates;
    t.is(hit?.chunk.questions?.[0], entry, question);
    t.true((hit?.score ?? 0) >= settings.threshold, `${question}: score ${hit?.score}`);
    t.is(decision.kind, 'answer', question);
  }
});

test('Latin words that are not pinyin of the knowledge base are left as written', async (t) => {
  const { index } = await clinicIndex();
  t.is(index.vocabulary.correct('iphone 15'), 'iphone 15');
  t.is(index.vocabulary.correct('hello world'), 'hello world');
  t.deepEqual(splitPinyin('xian'), ['xian']);
  t.is(splitPinyin('iphone'), undefined);
});

test('a homophone that is no Chinese word is taken for the word of the knowledge base; a real word never is', (t) => {
  const units = [
    ['发票', '开'],
    ['社会', '实践'],
  ];
  const generalWords = new Set(['发票', '实践', '时间', '社会']);
  const vocabulary = KnowledgeVocabulary.build(units, {
    isGeneralWord: (text) => generalWords.has(text),
    readingOf: (word) => testAnalyzer().reading(word),
    cut: (text) => testAnalyzer().cut(text),
  });
  t.is(vocabulary.correct('发漂 怎么开'), '发票 怎么开');
  t.is(vocabulary.correct('时间'), '时间');
});

test("a homophone is never read across a word's edge, nor out of filler words alone", (t) => {
  const analyzer = testAnalyzer();
  const vocabulary = KnowledgeVocabulary.build(
    [
      ['退货', '运费'],
      ['获得', '积分'],
      ['现在', '营业'],
      ['垃圾', '投放'],
    ],
    {
      isGeneralWord: (text) => ['退货', '运费', '获得', '积分', '现在', '营业', '东西', '垃圾', '投放'].includes(text),
      fillerWords: ['的', '想', '在'],
      readingOf: (word) => analyzer.reading(word),
      cut: (text) => analyzer.cut(text),
    },
  );
  // 货的 reads like 获得, but 货 is part of 退货: jieba found a word there, so nothing is misspelled.
  t.is(vocabulary.correct('退货的东西'), '退货的东西');
  // 想在 reads like 现在, but both are filler words on their own.
  t.is(vocabulary.correct('想在'), '想在');
  t.is(vocabulary.correct('退获的运费'), '退货 的运费', 'a misspelled word falls apart into characters, and is read');
  t.deepEqual(analyzer.cut('拉圾'), ['拉圾'], "jieba's dictionary keeps this misspelling as a token");
  t.is(vocabulary.correct('拉圾'), '垃圾', 'a token that is no word of general Chinese is read too');
});

test('a word the knowledge base never uses counts in its domain by a share of the characters its words use', (t) => {
  const vocabulary = KnowledgeVocabulary.build([['车位', '月卡']], {
    isGeneralWord: () => true,
    readingOf: (word) => testAnalyzer().reading(word),
    cut: (text) => testAnalyzer().cut(text),
  });
  const near = (actual: number, expected: number) => t.true(Math.abs(actual - expected) < 1e-12, `${actual} ≠ ${expected}`);
  near(
    vocabulary.coverage(['车库'], () => 1),
    0,
  );
  // 车 of 车库 is a character of 车位; 库 is none of its words': half the word, at 0.7.
  near(
    vocabulary.coverage(['车库'], () => 1, 0.7),
    0.35,
  );
  near(
    vocabulary.coverage(['车位', '车库'], () => 1, 0.7),
    (1 + 0.35) / 2,
  );
  near(
    vocabulary.coverage(['机票'], () => 1, 0.7),
    0,
  );
});

test('radicals from PDF text extraction are read as the ideographs they stand for', async (t) => {
  // ⻋ U+2ECB (CJK Radicals Supplement) is 车; ⼝ U+2F1D (Kangxi Radicals) is 口.
  t.is(foldRadicals('停\u2ECB场入\u2F1D在哪'), '停车场入口在哪');
  t.is(foldRadicals('发票，怎么开？'), '发票，怎么开？', 'anything else is left as written, punctuation included');
  t.is(TextAnalyzer.normalize('\u2ECB位'), '车位');
  const context = await generalContext();
  const index = buildLexicalIndex([passage('parking', '停车场入口在东门，月卡每月 300 元。'), ...clinic], context);
  t.is(index.search('停\u2ECB场入\u2F1D在哪', 1)[0]?.chunkId, 'parking');
});

test('a document is stored with ideographs where its text had radicals', async (t) => {
  const drafts = await parseDocument('guide.txt', Buffer.from('停\u2ECB场入\u2F1D在东门。'));
  t.is(drafts[0]?.text, '停车场入口在东门。');
  const faq = await parseDocument('faq.csv', Buffer.from('问题,答案,相似问题\n停\u2ECB收费吗,每小时 5 元,\u2ECB位怎么办\n'));
  t.like(faq[0], { questions: ['停车收费吗', '车位怎么办'], answer: '每小时 5 元' });
});
