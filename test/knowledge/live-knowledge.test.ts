import test from 'ava';
import { seedDemoKnowledgeBase } from '../../src/brain/knowledge/seed-demo.ts';
import { kbDocuments, knowledgeBases } from '../../src/db/schema.ts';
import { tempDir, writeFixture } from '../support/kb-fixtures.ts';
import { runKb } from '../support/kb-cli.ts';
import { startHarness } from '../support/wecom-service.ts';

test('on first start the empty default knowledge base gets the demo store, which answers 多久发货; starting again does not import it again', async (t) => {
  const h = await startHarness({ database: 'pglite' });
  t.teardown(() => h.close());
  await h.sendText('lisi', '你们多久发货啊');
  const [reply] = await h.wecom.waitForDelivered(1);
  t.regex(reply!.content, /48小时内发货/);
  const docs = await h.service.db
    .select({ name: kbDocuments.name, version: kbDocuments.version, status: kbDocuments.status })
    .from(kbDocuments);
  t.deepEqual(docs, [{ name: 'demo-store.csv', version: 1, status: 'active' }]);
  t.deepEqual(
    (await h.service.db.select({ name: knowledgeBases.name }).from(knowledgeBases)).map((r) => r.name),
    ['default'],
  );
  t.false(await seedDemoKnowledgeBase(h.service.db, 'config/kb/demo-store.csv'), 'a knowledge base with content is left alone');
});

test('a running service answers from a document imported by the CLI moments later, and stops answering from a removed one', async (t) => {
  const h = await startHarness({ database: 'postgres', env: { KB_DEMO_FILE: 'none' } });
  t.teardown(() => h.close());
  const file = writeFixture(
    tempDir(),
    'loyalty.csv',
    'question,answer,similar\n积分可以换什么？,积分可以兑换优惠券和小样，100积分抵1元。,积分怎么用|积分能干嘛\n',
  );

  await h.sendText('wangwu', '积分可以换什么？');
  const [before] = await h.wecom.waitForDelivered(1);
  t.notRegex(before!.content, /100积分抵1元/, 'not known before the import');

  const imported = await runKb(['import', file], { ...h.env, LOG_LEVEL: 'silent' });
  t.is(imported.code, 0, imported.stderr);
  t.regex(imported.stdout, /announced the change of "default" to 1 running process\b/);
  // The announcement is handled asynchronously: ask until the new index is in. Each try is a new
  // customer, since an unanswered question hands that conversation to a person.
  const start = Date.now();
  let answered = false;
  for (let asked = 2; !answered && Date.now() - start < 10_000; asked++) {
    await h.sendText(`customer${asked}`, '积分怎么用');
    const replies = await h.wecom.waitForDelivered(asked);
    answered = /100积分抵1元/.test(replies.at(-1)!.content);
  }
  t.true(answered, 'answered from the imported document');

  const removed = await runKb(['remove', 'loyalty.csv'], { ...h.env, LOG_LEVEL: 'silent' });
  t.is(removed.code, 0, removed.stderr);
  await new Promise((r) => setTimeout(r, 500));
  const count = h.wecom.delivered.length;
  await h.sendText('latecomer', '积分怎么用');
  const replies = await h.wecom.waitForDelivered(count + 1);
  t.notRegex(replies.at(-1)!.content, /100积分抵1元/);
});
