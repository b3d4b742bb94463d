import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { runKb } from '../../support/kb-cli.ts';
import { tempDir, writeFixture } from '../../support/kb-fixtures.ts';
import { startHarness } from '../../support/wecom-service.ts';
import { askAsNewVisitor } from '../../support/web-visitor.ts';

test('a web visitor of a widget configured with knowledge base "b" is answered from "b", not from default', async (t) => {
  const config = join(mkdtempSync(join(tmpdir(), 'kefu-web-kb-')), 'config.json');
  writeFileSync(config, JSON.stringify({ web: [{ name: 'wholesale-site', publicId: 'wholesale', knowledgeBase: 'b' }] }));
  const h = await startHarness({ database: 'postgres', env: { CONFIG_FILE: config } });
  t.teardown(() => h.close());
  const file = writeFixture(
    tempDir(),
    'wholesale.csv',
    'question,answer,similar\n下单后多久发货？,批发订单确认后7个工作日内发货。,批发多久发货\n',
  );
  const imported = await runKb(['import', file, '--kb', 'b'], { ...h.env, LOG_LEVEL: 'silent' });
  t.is(imported.code, 0, imported.stderr);

  // The worker loads "b" once the CLI's announcement arrives: ask (each time a new visitor,
  // since unanswered questions in a row hand the conversation to a person) until it has.
  let reply = '';
  for (const start = Date.now(); !reply.includes('批发') && Date.now() - start < 10_000; ) {
    reply = (await askAsNewVisitor(h.baseUrl, '下单后多久发货？', 'wholesale')).reply.text;
  }
  t.is(reply, '批发订单确认后7个工作日内发货。');
  t.regex(
    (await askAsNewVisitor(h.baseUrl, '下单后多久发货？', 'demo')).reply.text,
    /48小时内发货/,
    'the default widget still answers from default',
  );
  t.regex(
    (await askAsNewVisitor(h.baseUrl, '能开发票吗？', 'wholesale')).reply.text,
    /暂时还不会回答[\s\S]*回复“人工”为您转接人工客服/,
    'the demo store in default does not answer for "b": the visitor is told the bot does not know, and how to reach a person',
  );
});
