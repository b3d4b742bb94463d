import { existsSync } from 'node:fs';
import test from 'ava';
import { and, eq, like } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { messages } from '../../../src/db/schema.ts';
import { chromiumInstalled, launchChromium } from '../../support/browser.ts';
import { FakeOpenAiApi } from '../../../src/simulator/fake-openai-api.ts';
import { groundedAnswer } from '../../support/model-brain.ts';
import { TcpProxy } from '../../support/tcp-proxy.ts';
import { eventually, startHarness, type Harness } from '../../support/wecom-service.ts';

/**
 * The demo page and widget end to end in Chromium: the demo FAQ bot answering, history after a
 * reload and in another tab, a dropped connection catching up once, two visitors kept apart, a
 * model's reply growing in place.
 * Browsers reach the service through a TCP proxy the test can cut like a network failure.
 */
let h: Harness;
let proxy: TcpProxy;
let site: string;
let browser: Browser;
test.before(async () => {
  if (!chromiumInstalled()) throw new Error('Chromium is missing at /usr/bin/chromium: run scripts/ensure-services.sh');
  if (!existsSync(new URL('../../../widget/dist/widget.js', import.meta.url)))
    throw new Error('widget/dist/widget.js is missing: `npm ci` or `npm run build` builds it');
  // The demo bot is whatever `npm start` answers with. Replies come a second after a question, so
  // the test can drop the network in between; the history test writes a long conversation quickly.
  h = await startHarness({ database: 'postgres', env: { COALESCE_WINDOW_MS: '1000', WEB_CHAT_VISITOR_MESSAGES_PER_MINUTE: '1000' } });
  proxy = new TcpProxy(h.service.port);
  site = await proxy.listen();
  browser = await launchChromium();
});
test.after.always(async () => {
  await browser?.close();
  await proxy?.close();
  await h?.close();
});

const chatLog = (page: Page) => page.getByRole('log');
const say = async (page: Page, text: string) => {
  await page.getByRole('textbox', { name: /输入消息|Message/ }).fill(text);
  await page.keyboard.press('Enter');
};
/** A reply of the bot containing `text` (the question may contain it too). */
const botSays = (page: Page, text: string) => page.locator('li.msg.bot[data-id] .body').filter({ hasText: text });
const shownTexts = (page: Page) => page.locator('li.msg .body').allTextContents();

test.serial(
  'a visitor asks the demo bot on the demo page, keeps the history on reload and in another tab, and gets a reply missed during a network drop exactly once',
  async (t) => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    t.teardown(() => context.close());
    const page = await context.newPage();
    await page.goto(`${site}/`);
    t.is(await page.title(), '悦享生活馆 · kefu-hub 演示');

    const bubble = page.getByRole('button', { name: '打开在线客服' });
    await bubble.click();
    const input = page.getByRole('textbox', { name: '输入消息' });
    t.true(await input.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement), 'opening the chat focuses the input');
    t.is(await chatLog(page).getAttribute('aria-live'), 'polite');
    // The typing line shows while the bot works and goes once it answered: watched as it happens.
    await page.evaluate(() => {
      const typing = document.querySelector('[data-kefu-hub]')!.shadowRoot!.querySelector('.typing')!;
      new MutationObserver(() => {
        if (!typing.hasAttribute('hidden')) (window as unknown as { typingShown: boolean }).typingShown = true;
      }).observe(typing, { attributes: true });
    });
    await say(page, '多久发货');
    const shippingReply = botSays(page, '现货商品');
    await shippingReply.waitFor({ timeout: 10_000 });
    t.true(await page.evaluate(() => (window as unknown as { typingShown?: boolean }).typingShown === true), 'typing was shown');
    t.true(await page.getByText('客服正在输入…').isHidden(), 'and hidden once the reply came');

    // Esc closes the panel and gives focus back to the bubble.
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    t.is(
      await page.evaluate(() => document.querySelector('[data-kefu-hub]')!.shadowRoot!.activeElement?.getAttribute('aria-expanded')),
      'false',
    );
    await bubble.click();

    await page.reload();
    await shippingReply.waitFor({ timeout: 10_000 });
    t.deepEqual((await shownTexts(page)).slice(1), ['多久发货', (await shippingReply.textContent())!]);

    const otherTab = await context.newPage();
    await otherTab.goto(`${site}/`);
    await otherTab.getByRole('button', { name: /打开在线客服/ }).click();
    await botSays(otherTab, '现货商品').waitFor({ timeout: 10_000 });
    await otherTab.close();

    // The network drops right after the question is sent (the bot answers a second later) and
    // comes back once the reply was sent.
    await say(page, '能开发票吗');
    await page.locator('li.msg.customer[data-id]').filter({ hasText: '能开发票吗' }).waitFor({ timeout: 10_000 });
    proxy.cut();
    await eventually(
      async () =>
        (
          await h.service.db
            .select()
            .from(messages)
            .where(and(eq(messages.sender, 'bot'), like(messages.text, '%发票%'), eq(messages.status, 'sent')))
        ).length === 1,
      10_000,
      'the invoice reply sent while the visitor was offline',
    );
    t.is(await botSays(page, '电子普通发票').count(), 0, 'the reply did not reach the page while it was offline');
    proxy.restore();
    await botSays(page, '电子普通发票').waitFor({ timeout: 15_000 });
    await page.waitForTimeout(300);
    const texts = await shownTexts(page);
    t.is(texts.filter((x) => x.includes('电子普通发票')).length, 1, 'the missed reply arrives once');
    t.true(texts.findIndex((x) => x.includes('电子普通发票')) > texts.indexOf('能开发票吗'), 'after the question it answers');
  },
);

test.serial('two visitors in two browsers never see each other’s messages or pictures; the English UI fits a phone screen', async (t) => {
  const alice = await browser.newContext({ locale: 'zh-CN' });
  const bob = await browser.newContext({ locale: 'en-US', viewport: { width: 375, height: 667 } });
  t.teardown(async () => {
    await alice.close();
    await bob.close();
  });
  const alicePage = await alice.newPage();
  const bobPage = await bob.newPage();
  await Promise.all([alicePage.goto(`${site}/`), bobPage.goto(`${site}/`)]);
  await alicePage.getByRole('button', { name: '打开在线客服' }).click();
  await bobPage.getByRole('button', { name: 'Open chat' }).click();

  await say(alicePage, '几天能到');
  await say(bobPage, '怎么退货');
  await botSays(alicePage, '江浙沪一般').waitFor({ timeout: 10_000 });
  await botSays(bobPage, '申请售后').waitFor({ timeout: 10_000 });
  await alicePage.waitForTimeout(300);

  const aliceSees = (await shownTexts(alicePage)).join('\n');
  const bobSees = (await shownTexts(bobPage)).join('\n');
  t.false(aliceSees.includes('怎么退货') || aliceSees.includes('申请售后'));
  t.false(bobSees.includes('几天能到') || bobSees.includes('江浙沪'));

  const panel = await bobPage.getByRole('dialog').boundingBox();
  t.is(panel?.width, 375, 'the panel takes the whole width of a phone');

  // A picture sent through the attach button shows up, served to its sender.
  const onePixelPng = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
  await alicePage.locator('input[type=file]').setInputFiles({ name: '商品照片.png', mimeType: 'image/png', buffer: onePixelPng });
  const picture = alicePage.locator('li.msg.customer[data-id] img');
  await picture.waitFor({ timeout: 10_000 });
  await eventually(() => picture.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth === 1), 30_000, 'the picture loaded');
  t.is(await bobPage.locator('li.msg img').count(), 0);
});

test.serial('a long history shows its newest page first and older pages on request', async (t) => {
  const context = await browser.newContext({ locale: 'zh-CN' });
  t.teardown(() => context.close());
  const page = await context.newPage();
  await page.goto(`${site}/`);
  await page.getByRole('button', { name: '打开在线客服' }).click();
  await say(page, '第0条');
  await page.locator('li.msg.customer[data-id]').filter({ hasText: '第0条' }).waitFor({ timeout: 10_000 });
  // The rest of a long conversation, written from another device of the same visitor.
  const token = await page.evaluate(() => Object.entries(localStorage).find(([key]) => key.startsWith('kefu-hub:'))?.[1]);
  for (let i = 1; i <= 60; i++) {
    const res = await fetch(`${h.baseUrl}/api/web/demo/messages`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ clientId: `long-history-${i}`, text: `第${i}条` }),
    });
    t.is(res.status, 202);
  }
  await page.reload();
  await chatLog(page).getByText('第60条', { exact: true }).waitFor({ timeout: 10_000 });
  t.is(await chatLog(page).getByText('第0条', { exact: true }).count(), 0, 'only the newest page at first');
  await page.getByRole('button', { name: '查看更早的消息' }).click();
  await chatLog(page).getByText('第0条', { exact: true }).waitFor({ timeout: 10_000 });
  const texts = (await shownTexts(page)).filter((x) => x.startsWith('第'));
  t.deepEqual(texts.slice(0, 3), ['第0条', '第1条', '第2条'], 'older messages above, in order');
  t.is(new Set(texts).size, texts.length, 'nothing twice');
});

test.serial('with a model, the reply grows in the chat while the model writes it, and the stored reply takes its place', async (t) => {
  const answer = '您好，现货商品付款后48小时内发货，预售商品以页面说明为准，发货后可在订单详情里查看物流信息。';
  const model = new FakeOpenAiApi();
  await model.listen();
  model.chunkDelayMs = 150;
  model.onChat = (request) => (request.tools ? groundedAnswer(request, { answer }) : { text: '摘要' });
  const withModel = await startHarness({
    database: 'postgres',
    env: { LLM_BASE_URL: model.baseUrl, LLM_MODEL: 'fake-model', LLM_MAX_RETRIES: '0', COALESCE_WINDOW_MS: '0' },
  });
  const context = await browser.newContext({ locale: 'zh-CN' });
  t.teardown(async () => {
    await context.close();
    await withModel.close();
    await model.close();
  });
  const page = await context.newPage();
  await page.goto(`${withModel.baseUrl}/`);
  await page.getByRole('button', { name: '打开在线客服' }).click();
  // Every text the bot's bubbles showed, in order, as it happened.
  await page.evaluate(() => {
    const log = document.querySelector('[data-kefu-hub]')!.shadowRoot!.querySelector('.log')!;
    const seen: string[] = [];
    (window as unknown as { botTexts: string[] }).botTexts = seen;
    new MutationObserver(() => {
      for (const body of log.querySelectorAll('li.msg.bot:not(:first-child) .body')) {
        const text = body.textContent ?? '';
        if (seen[seen.length - 1] !== text) seen.push(text);
      }
    }).observe(log, { childList: true, subtree: true, characterData: true });
  });
  await say(page, '多久发货');

  const draft = page.locator('li.msg.bot.draft .body');
  await draft.waitFor({ timeout: 20_000 });
  const partial = (await draft.textContent())!;
  t.true(partial.length > 0 && partial.length < answer.length && answer.startsWith(partial), `a beginning of the answer: ${partial}`);
  t.true(await page.getByText('客服正在输入…').isHidden(), 'no typing line once the reply shows');

  await botSays(page, '查看物流信息').waitFor({ timeout: 20_000 });
  await draft.waitFor({ state: 'detached', timeout: 5000 });
  t.is(await page.locator('li.msg.bot:not(:first-child)').count(), 1, 'one bubble for the reply');
  const shown = await page.evaluate(() => (window as unknown as { botTexts: string[] }).botTexts);
  t.true(shown.filter((x) => x !== answer).length >= 2, `it grew in steps: ${JSON.stringify(shown)}`);
  t.is(shown[shown.length - 1], answer);
});

test.serial(
  'the widget keeps its session token out of every URL, renews the session before it expires, and opens a file with a fresh ticket',
  async (t) => {
    const context = await browser.newContext({ locale: 'zh-CN' });
    t.teardown(() => context.close());
    const urls: string[] = [];
    context.on('request', (request) => urls.push(request.url()));
    const page = await context.newPage();
    await page.goto(`${site}/`);
    await page.getByRole('button', { name: '打开在线客服' }).click();
    await say(page, '多久发货');
    await botSays(page, '现货商品').waitFor({ timeout: 10_000 });

    // A file the visitor sent opens from its link, by a download ticket fetched on the click.
    await page.locator('input[type=file]').setInputFiles({ name: '订单.txt', mimeType: 'text/plain', buffer: Buffer.from('订单号 42') });
    const link = page.locator('li.msg.customer[data-id] a');
    await link.waitFor({ timeout: 10_000 });
    const served = context.waitForEvent('response', (r) => r.url().includes('/uploads/') && r.request().method() === 'GET');
    await link.click();
    const response = await served;
    t.is(response.status(), 200, 'the file opened');
    t.regex(response.url(), /\?ticket=/);

    // Fifty-nine minutes later (the session lives an hour), the next message renews the session first.
    const sessions = () => urls.filter((u) => u.endsWith('/session')).length;
    const before = sessions();
    await page.clock.setSystemTime(Date.now() + 59 * 60_000);
    await say(page, '能开发票吗');
    await botSays(page, '电子普通发票').waitFor({ timeout: 10_000 });
    t.is(sessions(), before + 1, 'renewed once, before it expired');

    const token = await page.evaluate(() => Object.entries(localStorage).find(([key]) => key.startsWith('kefu-hub:'))?.[1]);
    t.truthy(token);
    t.false(
      urls.some((u) => u.includes('token=') || u.includes(token!)),
      `no URL carried the session token: ${urls.filter((u) => u.includes('?')).join(' ')}`,
    );
    t.true(
      urls.some((u) => /\/stream\?ticket=/.test(u)),
      'the stream opened with a ticket',
    );
  },
);
