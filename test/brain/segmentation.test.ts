import test from 'ava';
import { parseSynonyms } from '../../src/brain/retrieval/lexicon.ts';
import { charBigrams } from '../../src/brain/retrieval/text-analyzer.ts';
import { testAnalyzer } from './support/brain-fixtures.ts';

const analyzer = testAnalyzer();

test('synonyms are rewritten to the first word of their group', (t) => {
  t.deepEqual(analyzer.tokens('邮费多少'), ['运费', '多少']);
  t.deepEqual(analyzer.tokens('快递费多少'), ['运费', '多少']);
  t.deepEqual(analyzer.tokens('开票'), ['发票']);
});

test('a word from the custom dictionary stays one token', (t) => {
  t.true(analyzer.tokens('我买了运费险').includes('运费险'));
  t.true(analyzer.tokens('能用花呗吗').includes('花呗'));
});

test('stopwords, punctuation and bare numbers are dropped', (t) => {
  t.deepEqual(analyzer.tokens('请问，你们可以开发票吗？'), analyzer.tokens('开发票'));
  t.deepEqual(analyzer.tokens('订单12345678的运费'), ['订单', '运费']);
});

test('full-width and upper-case text is normalized before segmentation', (t) => {
  t.deepEqual(analyzer.tokens('ＰＤＦ发票'), analyzer.tokens('pdf发票'));
});

test('a synonym group line may use spaces or commas, and a word keeps its first group', (t) => {
  const synonyms = parseSynonyms('# comment\n退款，退钱, 退费\n退钱 返现');
  t.is(synonyms.get('退费'), '退款');
  t.is(synonyms.get('退钱'), '退款');
  t.is(synonyms.get('返现'), '退钱');
});

test('character bigrams bridge token boundaries and keep non-Han tokens whole', (t) => {
  t.deepEqual(charBigrams(['物流', '信息']), ['物流', '流信', '信息']);
  t.deepEqual(charBigrams(['pdf', '发票']), ['pdf发', '发票']);
  t.deepEqual(charBigrams(['退']), ['退']);
});
