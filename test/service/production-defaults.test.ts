import test from 'ava';
import { KnowledgeStore } from '../../src/brain/knowledge/knowledge-store.ts';
import { startHarness } from '../support/wecom-service.ts';

/**
 * The demo (store page, demo knowledge base, the store's persona and greeting) is what `npm start`
 * shows a newcomer; a company's production deployment must not meet it unless it asks (DEMO=1).
 */
const production = { NODE_ENV: 'production', WEB_CHAT_SECRET: 'a-production-widget-secret-of-32-characters' };

async function greetingReply(h: Awaited<ReturnType<typeof startHarness>>): Promise<string> {
  await h.sendText('greeting-user', '你好');
  const [reply] = await h.wecom.waitForDelivered(1);
  return reply!.content;
}

test.serial('in production: no demo page, no demo knowledge base, and a greeting that names no shop', async (t) => {
  const h = await startHarness({ database: 'postgres', env: production });
  t.teardown(() => h.close());
  t.is((await fetch(`${h.baseUrl}/`)).status, 404);
  t.is((await fetch(`${h.baseUrl}/widget.js`)).status, 200, 'the widget itself is served');
  t.is(await new KnowledgeStore(h.service.db).countActiveChunks('default'), 0);
  const reply = await greetingReply(h);
  t.is(reply, '您好！请问有什么可以帮您？');
});

test.serial('in production DEMO=1 brings the demo page, knowledge base and greeting back', async (t) => {
  const h = await startHarness({ database: 'postgres', env: { ...production, DEMO: '1' } });
  t.teardown(() => h.close());
  const page = await fetch(`${h.baseUrl}/`);
  t.is(page.status, 200);
  t.regex(await page.text(), /悦享生活馆/);
  t.true((await new KnowledgeStore(h.service.db).countActiveChunks('default')) > 0);
  t.regex(await greetingReply(h), /欢迎光临悦享生活馆/);
});

test.serial('outside production (npm start on embedded defaults) the demo is on', async (t) => {
  const h = await startHarness({ database: 'postgres' });
  t.teardown(() => h.close());
  t.is((await fetch(`${h.baseUrl}/`)).status, 200);
  t.regex(await greetingReply(h), /欢迎光临悦享生活馆/);
});
