import test from 'ava';
import { FaqSheetError, parseFaqCsv } from '../../src/brain/knowledge/faq-csv.ts';

const source = { kbName: 'default', documentId: 'faq.csv' };

test('similar questions split on | and line breaks; Chinese headers work', (t) => {
  const csv = '问题,答案,相似问题\n运费怎么收？,满99包邮,"邮费多少|包邮吗\n满多少包邮"\n';
  const [entry] = parseFaqCsv(csv, source);
  t.deepEqual(entry?.questions, ['运费怎么收？', '邮费多少', '包邮吗', '满多少包邮']);
  t.is(entry?.answer, '满99包邮');
  t.is(entry?.kbName, 'default');
  t.is(entry?.documentId, 'faq.csv');
});

test('the similar column is optional', (t) => {
  const [entry] = parseFaqCsv('question,answer\n能开发票吗？,可以\n', source);
  t.deepEqual(entry?.questions, ['能开发票吗？']);
});

test('a duplicate standard question or a missing answer is rejected with its line', (t) => {
  const duplicate = t.throws(() => parseFaqCsv('question,answer\n包邮吗,是\n包邮吗,否\n', source), { instanceOf: FaqSheetError });
  t.regex(duplicate.message, /line 3/);
  t.throws(() => parseFaqCsv('question,answer\n包邮吗,\n', source), { instanceOf: FaqSheetError, message: /line 2/ });
  t.throws(() => parseFaqCsv('q,a\nx,y\n', source), { instanceOf: FaqSheetError });
});
