import test from 'ava';
import { importDocument } from '../../src/brain/knowledge/import-document.ts';
import { KnowledgeStore } from '../../src/brain/knowledge/knowledge-store.ts';
import { docxFixture, pdfFixture, tempDir, writeFixture, xlsxFixture } from '../support/kb-fixtures.ts';
import { migratedDatabase } from '../support/databases.ts';

// One embedded database for the file (PGlite takes seconds to create); each test its own knowledge base.
let db: Awaited<ReturnType<typeof migratedDatabase>>;
let store: KnowledgeStore;
test.before(async () => {
  db = await migratedDatabase('pglite');
  store = new KnowledgeStore(db.handle.db);
});
test.after.always(() => db?.close());

let kbCounter = 0;

async function importInto(files: Record<string, string | Buffer>) {
  const kbName = `kb${++kbCounter}`;
  const dir = tempDir();
  const results = [];
  for (const [name, content] of Object.entries(files))
    results.push(await importDocument(writeFixture(dir, name, content), { kbName, store }));
  return { kbName, results, chunks: await store.loadActiveChunks(kbName) };
}

test('a CSV FAQ sheet with Chinese headers becomes one chunk per entry, similar questions split on | and line breaks', async (t) => {
  const { chunks } = await importInto({
    'faq.csv': '问题,答案,相似问题\n多久发货？,48小时内发货,"几天发货|什么时候发\n发货要多久"\n能开发票吗？,可以开电子发票,\n',
  });
  t.is(chunks.length, 2);
  t.deepEqual(chunks[0]!.questions, ['多久发货？', '几天发货', '什么时候发', '发货要多久']);
  t.is(chunks[0]!.answer, '48小时内发货');
  t.is(chunks[0]!.documentId, 'faq.csv');
  t.deepEqual(chunks[1]!.questions, ['能开发票吗？']);
});

test('an XLSX FAQ workbook imports every sheet with an FAQ header and skips the others', async (t) => {
  const xlsx = await xlsxFixture({
    发货: [
      ['问题', '答案', '相似问题'],
      ['多久发货？', '48小时内发货', '几天发货|什么时候发'],
    ],
    说明: [['这张表是备注']],
    Invoices: [
      ['question', 'answer', 'similar'],
      ['How do I get an invoice?', 'Request it in the order page', 'invoice\nreceipt'],
    ],
  });
  const { chunks } = await importInto({ 'faq.xlsx': xlsx });
  t.deepEqual(
    chunks.map((c) => [c.questions, c.answer, c.metadata.sheet]),
    [
      [['多久发货？', '几天发货', '什么时候发'], '48小时内发货', '发货'],
      [['How do I get an invoice?', 'invoice', 'receipt'], 'Request it in the order page', 'Invoices'],
    ],
  );
});

test('Markdown is chunked at headings and Chinese sentence ends, each chunk carrying its heading trail', async (t) => {
  const long = '签收后七天内可以无理由退货，商品需保持完好。'.repeat(30);
  const { chunks } = await importInto({
    'returns.md': `# 售后政策\n\n## 退货\n\n${long}\n\n## 运费\n\n质量问题的退货运费由我们承担。\n`,
  });
  t.true(chunks.length >= 3);
  for (const chunk of chunks.slice(0, -1)) {
    t.true(chunk.text.startsWith('售后政策 > 退货\n'));
    t.regex(chunk.text, /。$/, 'a chunk ends at a sentence end');
    t.true(chunk.text.length <= 420);
  }
  t.is(chunks.at(-1)!.text, '售后政策 > 运费\n质量问题的退货运费由我们承担。');
  t.is(chunks.at(-1)!.metadata.heading, '售后政策 > 运费');
});

test('plain text, JSON FAQ entries and JSON passages import', async (t) => {
  const { chunks } = await importInto({
    'hours.txt': '门店营业时间为每天10:00至22:00。节假日照常营业。',
    'faq.json': JSON.stringify([
      { question: '支持花呗吗？', answer: '支持花呗分期', similar: ['能用花呗吗', '可以分期吗'] },
      { 问题: '会员怎么升级？', 答案: '累计消费满1000元升级金卡', 相似问题: '怎么升金卡|会员等级' },
    ]),
    'notes.json': JSON.stringify({ entries: [{ title: '发票', text: '电子发票在确认收货后24小时内开具。' }] }),
  });
  t.deepEqual(
    chunks.map((c) => c.questions ?? c.text),
    [
      '门店营业时间为每天10:00至22:00。节假日照常营业。',
      ['支持花呗吗？', '能用花呗吗', '可以分期吗'],
      ['会员怎么升级？', '怎么升金卡', '会员等级'],
      '发票\n电子发票在确认收货后24小时内开具。',
    ],
  );
});

test('DOCX keeps its headings; PDF text is read page by page', async (t) => {
  const docx = await docxFixture([
    { heading: '退货政策', paragraphs: ['签收后七天内可以无理由退货。', '定制商品不支持退货。'] },
    { heading: '换货', paragraphs: ['质量问题十五天内包换。'] },
  ]);
  const pdf = pdfFixture(['Returns are accepted within 7 days.', 'Invoices are issued within 24 hours.']);
  const { chunks } = await importInto({ 'policy.docx': docx, 'policy.pdf': pdf });
  const byDoc = (name: string) => chunks.filter((c) => c.documentId === name);
  t.deepEqual(
    byDoc('policy.docx').map((c) => c.text),
    ['退货政策\n签收后七天内可以无理由退货。\n\n定制商品不支持退货。', '换货\n质量问题十五天内包换。'],
  );
  t.deepEqual(
    byDoc('policy.pdf').map((c) => [c.text, c.metadata.page]),
    [
      ['Returns are accepted within 7 days.', 1],
      ['Invoices are issued within 24 hours.', 2],
    ],
  );
});

test('a bad file fails with a message naming it, and nothing of it is stored', async (t) => {
  const dir = tempDir();
  const cases: Record<string, string | Buffer> = {
    'broken.json': '{"entries": [',
    'no-header.csv': '多久发货,48小时\n',
    'fake.pdf': 'not a pdf',
    'fake.docx': 'not a zip',
    'slides.pptx': 'x',
  };
  for (const [name, content] of Object.entries(cases)) {
    const err = await t.throwsAsync(importDocument(writeFixture(dir, name, content), { kbName: 'bad-files', store }));
    t.true(err!.message.includes(name), `${name}: ${err!.message}`);
  }
  t.deepEqual(await store.listDocuments('bad-files'), []);
});
