import test from 'ava';
import { ConceptMatcher } from '../../src/brain/retrieval/concept-matcher.ts';
import { LexicalIndex } from '../../src/brain/retrieval/lexical-index.ts';
import { buildLexicon, parseConcepts } from '../../src/brain/retrieval/lexicon.ts';
import { TextAnalyzer } from '../../src/brain/retrieval/text-analyzer.ts';
import { demoBrain, faqEntry } from './support/brain-fixtures.ts';

const conceptFile = {
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
};
const concepts = parseConcepts(JSON.stringify(conceptFile));

test('concept phrases match across jieba tokens, each concept once, in order of mention', (t) => {
  const matcher = new ConceptMatcher(concepts);
  t.deepEqual(matcher.match('锅漏了杯子也裂了还寄错了').concepts, ['quality_problem', 'wrong_item']);
  t.deepEqual(matcher.match('收到的不是我买的').concepts, ['wrong_item']);
  t.deepEqual(matcher.match('今天天气不错').concepts, []);
});

test('domain and foreign words say whether a question is about the store, without being concepts', (t) => {
  const matcher = new ConceptMatcher(concepts);
  t.deepEqual(matcher.match('我的订单呢'), { concepts: [], inDomain: true, foreignWords: [] });
  t.deepEqual(matcher.match('机票怎么退款'), { concepts: ['refund'], inDomain: true, foreignWords: ['机票'] });
  t.deepEqual(matcher.match('明天会下雨吗'), { concepts: [], inDomain: false, foreignWords: [] });
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
  t.like(analyzer.domainEvidence('明天会下雨吗'), { factor: 0.5, foreignWords: [] });
  t.like(analyzer.domainEvidence('机票订单'), { factor: 1, foreignWords: ['机票'], foreignFactor: 0.4 });
});

test('a foreign word counts against the entries that do not use it, not against one that does', (t) => {
  const faq = [
    faqEntry('refund', ['退款多久到账？'], '原路退回。'),
    faqEntry('trip', ['买旅行箱送机票吗？'], '满999元送机票一张，退款时一并扣回。'),
  ];
  const indexWith = (lexicon: typeof concepts) =>
    LexicalIndex.build(faq, TextAnalyzer.create(buildLexicon('', '', '的 了 吗 怎么', lexicon), { pinyin: false }));
  const index = indexWith(concepts);
  const unlisted = indexWith(parseConcepts(JSON.stringify({ ...conceptFile, foreignWords: [] })));
  const scores = (hits: { chunkId: string; score: number }[]) => Object.fromEntries(hits.map((hit) => [hit.chunkId, hit.score]));
  const listed = scores(index.search('机票退款多久到账', 2));
  const asIfNotForeign = scores(unlisted.search('机票退款多久到账', 2));
  t.is(listed.trip, asIfNotForeign.trip, 'the entry that talks about 机票 keeps its score');
  t.is(listed.refund, asIfNotForeign.refund! * 0.4, 'the one that does not is held back');
});

test('the demo store ranks by meaning: wrong item, quality problem, paying for someone', async (t) => {
  const { brain } = await demoBrain();
  const answer = (text: string) => brain.match('default', text).hits[0]?.chunk.questions?.[0];
  t.is(answer('蓝色的给我寄了个红色的'), '收到的商品发错了或漏发了怎么办？');
  t.is(answer('热水壶用了三天就裂了'), '商品有质量问题怎么办？');
  t.is(answer('老公帮我付可以吗'), '可以找人代付或对公转账吗？');
});
