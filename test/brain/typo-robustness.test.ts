import test from 'ava';
import { LexicalIndex } from '../../src/brain/retrieval/lexical-index.ts';
import { faqEntry, testAnalyzer } from './support/brain-fixtures.ts';

const faq = [
  faqEntry('logistics', ['物流信息好几天没更新怎么办？'], '请把订单号发给我们催件。'),
  faqEntry('invoice', ['电子发票在哪里下载？'], '订单详情里点「查看发票」。'),
  faqEntry('points', ['积分会过期吗？'], '每年12月31日清零。'),
  faqEntry('address', ['怎么修改收货地址？'], '发货前可以在订单详情修改。'),
];

test('a misspelled character still matches through the character bigrams around it', (t) => {
  const index = LexicalIndex.build(faq, testAnalyzer({ pinyin: false }), { channelWeights: { words: 0, charGrams: 1, pinyinGrams: 0 } });
  t.is(index.search('物流信息好久没跟新', 1)[0]?.chunkId, 'logistics');
});

test('a homophone typo matches through pinyin, and only through pinyin', (t) => {
  const pinyinOnly = { channelWeights: { words: 0, charGrams: 0, pinyinGrams: 1 } };
  const withPinyin = LexicalIndex.build(faq, testAnalyzer(), pinyinOnly);
  t.is(withPinyin.search('电子发漂', 1)[0]?.chunkId, 'invoice');
  t.is(withPinyin.search('鸡分', 1)[0]?.chunkId, 'points');

  const wordsAndChars = LexicalIndex.build(faq, testAnalyzer({ pinyin: false }), {
    channelWeights: { words: 1, charGrams: 1, pinyinGrams: 0 },
  });
  t.deepEqual(wordsAndChars.search('鸡分', 1), []);
});

test('front and back nasals and retroflex initials are folded (southern accents)', (t) => {
  const index = LexicalIndex.build(faq, testAnalyzer(), { channelWeights: { words: 0, charGrams: 0, pinyinGrams: 1 } });
  t.is(index.search('地子', 1)[0]?.chunkId, 'address', '地子 di zi = 地址 di zhi');
  t.is(index.search('性息', 1)[0]?.chunkId, 'logistics', '性息 xing xi = 信息 xin xi');
});

test('with all channels on, typos still find the right entry', (t) => {
  const index = LexicalIndex.build(faq, testAnalyzer());
  t.is(index.search('发漂在那里下载', 1)[0]?.chunkId, 'invoice');
  t.is(index.search('物流好几天没跟新', 1)[0]?.chunkId, 'logistics');
});
