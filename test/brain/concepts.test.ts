import test from 'ava';
import { ConceptMatcher } from '../../src/brain/retrieval/concept-matcher.ts';
import { LexicalIndex } from '../../src/brain/retrieval/lexical-index.ts';
import { buildLexicon, parseConcepts } from '../../src/brain/retrieval/lexicon.ts';
import { TextAnalyzer } from '../../src/brain/retrieval/text-analyzer.ts';
import { demoBrain, faqEntry } from './support/brain-fixtures.ts';

const conceptFile = {
  weight: 0.5,
  concepts: {
    wrong_item: ['发错', '寄错', '不是我买的', '颜色不对'],
    quality_problem: ['坏了', '漏了', '裂了'],
    pay_for_me: ['代付', '帮我付'],
    refund: ['退款', '退钱'],
  },
};
const concepts = parseConcepts(JSON.stringify(conceptFile));

test('concept phrases match across jieba tokens, each concept once, in order of mention', (t) => {
  const matcher = new ConceptMatcher(concepts);
  t.deepEqual(matcher.match('锅漏了杯子也裂了还寄错了'), ['quality_problem', 'wrong_item']);
  t.deepEqual(matcher.match('收到的不是我买的'), ['wrong_item']);
  t.deepEqual(matcher.match('今天天气不错'), []);
});

test('a concept file lists concepts only: whether a question is in the domain is learned from the knowledge base', (t) => {
  t.throws(() => parseConcepts(JSON.stringify({ weight: 0.5 })), { message: /concepts/ });
  t.deepEqual([...parseConcepts(JSON.stringify({ ...conceptFile, domainWords: ['订单'] })).phrases.keys()].includes('订单'), false);
});

test('the concept channel matches questions that share meaning but no words with an entry', (t) => {
  const analyzer = TextAnalyzer.create(buildLexicon('', '', '的 了 吗 我 给', concepts), { pinyin: false });
  const faq = [
    faqEntry('wrong', ['收到的商品发错了怎么办？'], '拍照发给我们，核实后换货。'),
    faqEntry('quality', ['商品有质量问题怎么办？', '东西坏了'], '签收15天内可退换。'),
    faqEntry('pay', ['可以找人代付吗？'], '结算时选找朋友代付。'),
  ];
  const index = LexicalIndex.build(faq, analyzer);
  t.is(index.search('蓝色的颜色不对', 1)[0]?.chunkId, 'wrong');
  t.is(index.search('锅用了一周就漏了', 1)[0]?.chunkId, 'quality');
  t.is(index.search('老公帮我付行不行', 1)[0]?.chunkId, 'pay');
});

test('the demo store ranks by meaning: wrong item, quality problem, paying for someone', async (t) => {
  const { brain } = await demoBrain();
  const answer = (text: string) => brain.match('default', text).candidates[0]?.chunk.questions?.[0];
  t.is(answer('蓝色的给我寄了个红色的'), '收到的商品发错了或漏发了怎么办？');
  t.is(answer('热水壶用了三天就裂了'), '商品有质量问题怎么办？');
  t.is(answer('老公帮我付可以吗'), '可以找人代付或对公转账吗？');
});
