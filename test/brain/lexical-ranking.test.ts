import test from 'ava';
import { LexicalIndex } from '../../src/brain/retrieval/lexical-index.ts';
import { faqEntry, passage, testAnalyzer } from './support/brain-fixtures.ts';

const analyzer = testAnalyzer();
const faq = [
  faqEntry('shipping-fee', ['运费怎么收？', '包邮吗', '满多少包邮'], '满99元包邮，不满收8元运费。'),
  faqEntry('invoice', ['可以开发票吗？', '怎么开票'], '支持电子发票和专用发票。'),
  faqEntry('refund-time', ['退款多久到账？', '钱什么时候退回来'], '原路退回，1到3个工作日到账。'),
  faqEntry('points', ['积分怎么获得？', '买东西送积分吗'], '每消费1元得1积分。'),
];

test('the entry sharing the query words ranks first', (t) => {
  const index = LexicalIndex.build(faq, analyzer);
  t.is(index.search('运费是怎么算的', 3)[0]?.chunkId, 'shipping-fee');
  t.is(index.search('退款几天能到账', 3)[0]?.chunkId, 'refund-time');
});

test('a query identical to a key scores about 1; a partial match scores less', (t) => {
  const index = LexicalIndex.build(faq, analyzer, { entryWeight: 0 });
  const exact = index.search('退款多久到账', 1)[0]!;
  const partial = index.search('退款的流程是什么', 1)[0]!;
  t.true(exact.score > 0.9, `exact ${exact.score}`);
  t.true(partial.score < exact.score * 0.7, `partial ${partial.score}`);
});

test('a rare word outweighs a common one', (t) => {
  const chunks = [passage('a', '订单 订单 发货'), passage('b', '订单 专票'), passage('c', '订单 退货'), passage('d', '订单 换货')];
  const index = LexicalIndex.build(chunks, analyzer, { channelWeights: { words: 1, charGrams: 0, pinyinGrams: 0 } });
  t.is(index.search('订单专票', 4)[0]?.chunkId, 'b');
});

test('each similar question is a key, and the best key names the match', (t) => {
  const index = LexicalIndex.build(faq, analyzer);
  const [hit] = index.search('买东西有积分吗', 1);
  t.is(hit?.chunkId, 'points');
  t.is(hit?.matchedText, '买东西送积分吗');
});

test('a query sharing nothing with the index returns no hits, and k limits the hits', (t) => {
  const index = LexicalIndex.build(faq, analyzer);
  t.deepEqual(index.search('股票', 5), []);
  t.is(index.search('怎么开票 运费 退款 积分', 2).length, 2);
  t.deepEqual(index.search('运费', 0), []);
});

test('passages and FAQ entries are searched together', (t) => {
  const index = LexicalIndex.build([...faq, passage('manual', '电热水壶除垢：加入柠檬酸煮沸后静置半小时。')], analyzer);
  t.is(index.search('热水壶怎么除垢', 1)[0]?.chunkId, 'manual');
});

test('a colloquial word counts by the characters it shares with an entry, over whole entries only', (t) => {
  const clinic = [
    faqEntry('bleeding', ['拔牙后出血怎么办'], '咬紧棉球半小时。'),
    faqEntry('eating', ['拔牙后能吃东西吗'], '两小时后可以吃温凉的东西。'),
  ];
  const channels = { words: 0.5, charGrams: 0.3, pinyinGrams: 0.2 };
  const withCharacters = LexicalIndex.build(clinic, analyzer, { channelWeights: { ...channels, chars: 0.2 } });
  // 渗血 shares no word, bigram or syllable pair with 出血, only the character 血.
  t.is(withCharacters.search('拔完牙一直渗血', 2)[0]?.chunkId, 'bleeding');
  t.deepEqual(LexicalIndex.build(clinic, analyzer, { channelWeights: channels }).search('拔完牙一直渗血', 2), []);
  // An entry's keys alone (entryWeight 0) are not indexed by character: they score nothing.
  const keysOnly = LexicalIndex.build(clinic, analyzer, { channelWeights: { ...channels, chars: 0.2 }, entryWeight: 0 });
  t.deepEqual(
    keysOnly.search('拔完牙一直渗血', 2).map((hit) => hit.score),
    [0, 0],
  );
});
