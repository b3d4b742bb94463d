import test from 'ava';
import { HandoffPolicy } from '../../src/brain/handoff/handoff-policy.ts';
import { loadHandoffRules } from '../../src/brain/handoff/handoff-rules.ts';
import { LexicalIndex } from '../../src/brain/retrieval/lexical-index.ts';
import { toSimplified } from '../../src/brain/retrieval/simplified-chinese.ts';
import { SmallTalk } from '../../src/brain/smalltalk/small-talk.ts';
import { CONFIG_DIR, faqEntry, testAnalyzer } from './support/brain-fixtures.ts';

const faq = [
  faqEntry('invoice', ['电子发票在哪里下载？'], '订单详情里点「查看发票」。'),
  faqEntry('hours', ['门店几点关门？'], '每天 10:00–22:00 营业。'),
];

test('a question in traditional characters finds the entry written in simplified ones', (t) => {
  const index = LexicalIndex.build(faq, testAnalyzer({ pinyin: false }), { channelWeights: { words: 1, charGrams: 1, pinyinGrams: 0 } });
  t.is(index.search('電子發票在哪裡下載', 1)[0]?.chunkId, 'invoice');
  t.is(index.search('門店幾點關門', 1)[0]?.chunkId, 'hours');
});

test('Taiwan and Hong Kong forms become simplified; simplified text is left as it is', (t) => {
  t.is(toSimplified('發票怎麼開'), '发票怎么开');
  t.is(toSimplified('裡面 裏面 衛生 衞生'), '里面 里面 卫生 卫生');
  t.is(toSimplified('下单后多久发货？著名'), '下单后多久发货？著名');
});

test('traditional characters reach the handoff rules and small talk too, not only retrieval', async (t) => {
  const policy = new HandoffPolicy(await loadHandoffRules(`${CONFIG_DIR}/handoff.json`));
  t.is(policy.check({ text: '轉人工', customerTags: [], agentHasReplied: false })?.reason, 'customer_asked');
  const smallTalk = await SmallTalk.load(`${CONFIG_DIR}/smalltalk.json`);
  t.is(smallTalk.classify('謝謝').kind, 'thanks');
});
