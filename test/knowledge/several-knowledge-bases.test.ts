import test from 'ava';
import { importDocument } from '../../src/brain/knowledge/import-document.ts';
import { tempDir, writeFixture } from '../support/kb-fixtures.ts';
import { conversation, demoKnowledge, says } from '../support/model-brain.ts';

test('each conversation is answered from its account’s knowledge base only', async (t) => {
  const fixture = await demoKnowledge();
  t.teardown(() => fixture.close());
  const { knowledge } = fixture;
  const file = writeFixture(
    tempDir(),
    'wholesale.csv',
    'question,answer,similar\n下单后多久发货？,批发订单确认后7个工作日内发货。,批发多久发货\n',
  );
  await importDocument(file, { kbName: 'wholesale', store: knowledge.store });
  await knowledge.indexes.reload('wholesale');

  const retail = await knowledge.offline.answer(conversation([], 'default'), says('下单后多久发货？'));
  const wholesale = await knowledge.offline.answer(conversation([], 'wholesale'), says('下单后多久发货？'));
  t.regex(retail.text, /48小时内发货/);
  t.is(wholesale.text, '批发订单确认后7个工作日内发货。');
  const unknown = await knowledge.offline.answer(conversation([], 'wholesale'), says('能开发票吗'));
  t.is(unknown.meta.decision, 'clarify', 'the retail FAQ does not leak into the wholesale knowledge base');
  t.notRegex(unknown.text, /发票/);
});
