import { statSync } from 'node:fs';
import test from 'ava';
import { KnowledgeStore } from '../../src/brain/knowledge/knowledge-store.ts';
import { loadKnowledge } from '../../src/brain/load-brain.ts';
import { connectDatabase } from '../../src/db/connect.ts';
import { createTestDatabase } from '../support/databases.ts';
import { runKb } from '../support/kb-cli.ts';
import { REDIS_URL } from '../support/wecom-service.ts';
import { conversation, FALLBACK, says } from '../support/model-brain.ts';

/** A real PDF with an embedded subset of a CJK font (see make-store-policy-pdf.mjs beside it). */
const POLICY_PDF = 'test/fixtures/store-policy-zh.pdf';

test('kb import reads a Chinese PDF page by page, and the offline brain answers with the sentence from it, citing the document', async (t) => {
  t.true(statSync(POLICY_PDF).size < 50_000, 'the fixture embeds a font subset, not the whole font');
  const db = await createTestDatabase('postgres');
  t.teardown(() => db.drop());
  const env = { DATABASE_URL: db.url, DATA_DIR: db.dataDir, REDIS_URL, REDIS_PREFIX: `kbpdf${process.pid}`, LOG_LEVEL: 'silent' };
  const imported = await runKb(['import', POLICY_PDF, '--kb', 'policy'], env);
  t.is(imported.code, 0, imported.stderr);
  t.regex(imported.stdout, /policy\/store-policy-zh\.pdf v1, 2 chunks/);

  const handle = await connectDatabase({ url: db.url });
  t.teardown(() => handle.close());
  const chunks = await new KnowledgeStore(handle.db).loadActiveChunks('policy');
  t.deepEqual(
    chunks.map((c) => c.metadata.page),
    [1, 2],
  );
  t.true(chunks[0]!.text.includes('购买新冰箱或洗衣机时，可以把同类旧家电交给我们折价回收，最高抵扣300元。'), chunks[0]!.text);
  t.true(chunks[0]!.text.includes('回收师傅在送新机时上门搬走旧机，不另收搬运费。'), chunks[0]!.text);
  t.true(chunks[1]!.text.includes('每月18日是会员日，会员全场商品九折，可以和店铺优惠券同时使用。'), chunks[1]!.text);

  const knowledge = await loadKnowledge({ db: handle.db, configDir: 'config/brain', promptsDir: 'config/prompts', fallbackText: FALLBACK });
  // The answer is the sentence that answers, with the document as citation: not the page, not its heading.
  const reply = await knowledge.offline.answer(conversation([], 'policy'), says('旧冰箱可以折价回收吗？'));
  t.is(reply.kind, 'reply');
  t.is(reply.text, '购买新冰箱或洗衣机时，可以把同类旧家电交给我们折价回收，最高抵扣300元。\n（摘自《store-policy-zh》）');
  t.deepEqual(reply.meta.passage, { documentId: 'store-policy-zh.pdf', sentences: 1, of: 2 });
  const memberDay = await knowledge.offline.answer(conversation([], 'policy'), says('会员日是每月几号'));
  t.is(memberDay.text, '每月18日是会员日，会员全场商品九折，可以和店铺优惠券同时使用。\n（摘自《store-policy-zh》）');
});
