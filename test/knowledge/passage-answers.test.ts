import test from 'ava';
import { importDocument } from '../../src/brain/knowledge/import-document.ts';
import { KnowledgeStore } from '../../src/brain/knowledge/knowledge-store.ts';
import { loadKnowledge } from '../../src/brain/load-brain.ts';
import { docxFixture, tempDir, writeFixture } from '../support/kb-fixtures.ts';
import { conversation, FALLBACK, says } from '../support/model-brain.ts';
import { migratedDatabase } from '../support/databases.ts';

test('a Word document answers with the sentences that answer, never its headings, citing the document', async (t) => {
  const db = await migratedDatabase('postgres');
  t.teardown(() => db.close());
  const docx = await docxFixture([
    {
      heading: '会员权益',
      paragraphs: ['会员每月可领取两张满100减10元的优惠券。会员生日当月享受全场九五折。', '积分可在下单时抵扣现金，100积分抵1元。'],
    },
    { heading: '配送说明', paragraphs: ['同城订单当天送达，外地订单3到5天送达。偏远地区需另付运费。'] },
  ]);
  await importDocument(writeFixture(tempDir(), '会员手册.docx', docx), { kbName: 'manual', store: new KnowledgeStore(db.handle.db) });
  const knowledge = await loadKnowledge({
    db: db.handle.db,
    configDir: 'config/brain',
    promptsDir: 'config/prompts',
    fallbackText: FALLBACK,
  });

  const points = await knowledge.offline.answer(conversation([], 'manual'), says('积分怎么抵扣现金'));
  t.is(points.kind, 'reply');
  t.is(points.text, '积分可在下单时抵扣现金，100积分抵1元。\n（摘自《会员手册》）');
  const delivery = await knowledge.offline.answer(conversation([], 'manual'), says('外地订单几天送到'));
  t.is(delivery.text, '同城订单当天送达，外地订单3到5天送达。\n（摘自《会员手册》）');
  for (const reply of [points, delivery]) t.notRegex(reply.text, /会员权益|配送说明/);
});
