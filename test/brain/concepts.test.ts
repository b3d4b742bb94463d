import test from 'ava';
import { ConceptMatcher } from '../../src/brain/retrieval/concept-matcher.ts';
import { LexicalIndex } from '../../src/brain/retrieval/lexical-index.ts';
import { buildLexicon, parseConcepts } from '../../src/brain/retrieval/lexicon.ts';
import { TextAnalyzer } from '../../src/brain/retrieval/text-analyzer.ts';
import { demoBrain, faqEntry } from './support/brain-fixtures.ts';

const concepts = parseConcepts(
  JSON.stringify({
    weight: 0.5,
    outOfDomainFactor: 0.5,
    foreignDomainFactor: 0.4,
    foreignWords: ['机票'],
    domainWords: ['订单', '买'],
    concepts: {
      wrong_item: ['发错', '寄错', '不是我买的', '颜色不对'],
      quality_problem: ['坏了', '漏了', '裂了'],
      pay_for_me: ['代付', '帮我付'],
      refund: ['退款', '退钱'],
    },
  }),
);

test('concept phrases match across jieba tokens, each concept once, in order of mention', (t) => {
  const matcher = new ConceptMatcher(concepts);
  t.deepEqual(matcher.match('锅漏了杯子也裂了还寄错了').concepts, ['quality_problem', 'wrong_item']);
  t.deepEqual(matcher.match('收到的不是我买的').concepts, ['wrong_item']);
  t.deepEqual(matcher.match('今天天气不错').concepts, []);
});

test('domain and foreign words say whether a question is about the store, without being concepts', (t) => {
  const matcher = new ConceptMatcher(concepts);
  t.deepEqual(matcher.match('我的订单呢'), { concepts: [], inDomain: true, foreign: false });
  t.deepEqual(matcher.match('机票怎么退款'), { concepts: ['refund'], inDomain: true, foreign: true });
  t.deepEqual(matcher.match('明天会下雨吗'), { concepts: [], inDomain: false, foreign: false });
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

test('a question outside the store domain, or naming another business, scores lower', (t) => {
  const analyzer = TextAnalyzer.create(buildLexicon('', '', '的 了 吗 怎么', concepts), { pinyin: false });
  const index = LexicalIndex.build([faqEntry('refund', ['退款多久到账？'], '原路退回。')], analyzer);
  const store = index.search('订单退款多久到账', 1)[0]!.score;
  const foreign = index.search('机票退款多久到账', 1)[0]!.score;
  t.true(foreign < store * 0.5, `foreign ${foreign}, store ${store}`);
  t.is(analyzer.domainFactor('明天会下雨吗'), 0.5);
  t.is(analyzer.domainFactor('机票订单'), 0.4);
  t.is(analyzer.domainFactor('买机票'), 0.4);
});

test('the demo store ranks by meaning: wrong item, quality problem, paying for someone', async (t) => {
  const { brain } = await demoBrain();
  const answer = (text: string) => brain.match('default', text).hits[0]?.chunk.questions?.[0];
  t.is(answer('蓝色的给我寄了个红色的'), '收到的商品发错了或漏发了怎么办？');
  t.is(answer('热水壶用了三天就裂了'), '商品有质量问题怎么办？');
  t.is(answer('老公帮我付可以吗'), '可以找人代付或对公转账吗？');
});
