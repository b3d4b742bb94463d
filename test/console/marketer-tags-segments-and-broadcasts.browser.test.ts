import test from 'ava';
import type { Browser, Page } from 'playwright-core';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import { SCREENSHOTS, startConsoleJourney, signInOnConsole } from '../support/browser.ts';
import { callJson, PASSWORD, signedInStaff } from '../support/console-api.ts';
import type { Harness } from '../support/wecom-service.ts';

/**
 * The marketer's journey (issue 16, "Done when"), in Chromium against the whole service with the
 * demo's offline bot: a visitor on the demo page writes 「我要开发票」; the marketer makes a tag and a
 * keyword rule, sees the rule tag that visitor (the backfill), builds a segment of the tag with its
 * live count, and broadcasts to it, its reach forecast in the form; the broadcast appears in the
 * visitor's open widget and the report counts it sent. To a segment of nobody reachable, the form
 * forecasts 0 and asks before sending. The screenshot of docs/marketing.md is taken here.
 */
const screenshots = SCREENSHOTS;
let h: Harness;
let browser: Browser;
test.before(async () => {
  ({ h, browser } = await startConsoleJourney());
});
test.after.always(async () => {
  await browser?.close();
  await h?.close();
});

/** Picks an option of an antd Select opened by clicking `select`. */
async function choose(page: Page, select: ReturnType<Page['getByLabel']>, option: string): Promise<void> {
  await select.click();
  await page.locator('.ant-select-item-option:visible').filter({ hasText: option }).first().click();
}

test('a marketer’s rule tags a visitor who wrote 「我要开发票」, a segment of that tag counts them, and a broadcast to it reaches their open widget', async (t) => {
  await createStaffUser(
    h.service.db,
    { email: 'mk@example.com', displayName: '市场小李', role: 'marketer', password: PASSWORD },
    { actorId: null, sourceIp: null, via: 'cli' },
  );
  const marketerContext = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  const visitorContext = await browser.newContext({ locale: 'zh-CN' });
  t.teardown(async () => {
    await marketerContext.close();
    await visitorContext.close();
  });
  marketerContext.setDefaultTimeout(15_000);
  // A segment no customer of this service is in (it runs WeCom and the web, no Official Account).
  const colleague = await signedInStaff(h.baseUrl, h.service.db, 'mk2@example.com', 'marketer');
  await callJson(h.baseUrl, colleague, 'POST', '/api/segments', { name: '公众号粉丝', filter: { channels: ['wechat-mp'] } });

  // A visitor asks for an invoice and keeps the page open.
  const visitor = await visitorContext.newPage();
  await visitor.goto(`${h.baseUrl}/`);
  await visitor.getByRole('button', { name: '打开在线客服' }).click();
  await visitor.getByRole('textbox', { name: '输入消息' }).fill('我要开发票');
  await visitor.keyboard.press('Enter');
  await visitor.locator('li.msg.bot[data-id]').first().waitFor({ timeout: 15_000 });

  // The marketer signs in and opens 客户运营.
  const page = await marketerContext.newPage();
  await signInOnConsole(page, h.baseUrl, 'mk@example.com');
  await page.getByRole('button', { name: '客户运营' }).click();
  await page.getByRole('tab', { name: '群发' }).waitFor();

  // A tag group and a tag.
  await page.getByLabel('新分组名称').fill('财务');
  await page.getByRole('button', { name: /添加分组/ }).click();
  await page.locator('[data-tag-group="财务"]').waitFor();
  await page.locator('[data-tag-group="财务"]').getByLabel('新标签').fill('发票');
  await page.keyboard.press('Enter');
  await page.locator('[data-tag-group="财务"]').getByText('发票').waitFor();

  // A keyword rule; its backfill tags the visitor who already wrote it.
  await page.getByRole('tab', { name: '打标规则' }).click();
  await page.getByRole('button', { name: /新增规则/ }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('规则名称').fill('开票客户');
  await choose(page, dialog.getByLabel('打上标签'), '财务 / 发票');
  await dialog.getByLabel('词').fill('开发票');
  await page.keyboard.press('Enter');
  await dialog.getByRole('button', { name: /保\s*存/ }).click();
  await page.getByText('回溯打标 1 人').waitFor({ timeout: 30_000 });

  // A segment of the tag: its live count is the visitor.
  await page.getByRole('tab', { name: '客户分群' }).click();
  await choose(page, page.getByLabel('有任一标签'), '财务 / 发票');
  await page.keyboard.press('Escape');
  await page.locator('.ant-statistic-content-value').filter({ hasText: /^1$/ }).waitFor();
  await page.getByLabel('分群名称').fill('要发票的客户');
  await page.getByRole('button', { name: '保存分群' }).click();
  await page.getByText('要发票的客户').first().waitFor();

  // The broadcast.
  await page.getByRole('tab', { name: '群发' }).click();
  await page.getByLabel('群发名称', { exact: true }).fill('电子发票上线');
  await choose(page, page.getByLabel('发送给分群', { exact: true }), '要发票的客户');
  // Before it is sent, the form forecasts its reach: the visitor's widget is open.
  await page.locator('.broadcast-forecast').getByText('预计送达 1 人 · 跳过 0 人').waitFor();
  await page.locator('textarea#broadcast_text').fill('电子发票已上线，开票更快了');
  await page.getByRole('button', { name: /立即群发/ }).click();
  await page.locator('.ant-table-row').filter({ hasText: '电子发票上线' }).filter({ hasText: '已完成' }).waitFor({ timeout: 30_000 });
  await page.locator('.ant-table-row').filter({ hasText: '电子发票上线' }).locator('.ant-table-row-expand-icon').click();
  const report = page.locator('[data-broadcast-report]');
  await report.getByText(/已发送 1/).waitFor();
  t.regex((await report.textContent()) ?? '', /收件人1（已发送 1，跳过 0，失败 0/);
  await page.screenshot({ path: new URL('console-broadcasts.png', screenshots).pathname });

  await visitor.locator('li.msg.bot').filter({ hasText: '电子发票已上线，开票更快了' }).waitFor();
  t.is(await visitor.locator('li.msg.bot').filter({ hasText: '电子发票已上线，开票更快了' }).count(), 1, 'the open widget shows it once');

  // A segment of nobody reachable: sending to it asks first, and 取消 sends nothing.
  await page.getByLabel('群发名称', { exact: true }).fill('公众号活动');
  await choose(page, page.getByLabel('发送给分群', { exact: true }), '公众号粉丝');
  await page.locator('textarea#broadcast_text').fill('关注有礼');
  await page.locator('.broadcast-forecast').getByText('预计送达 0 人 · 跳过 0 人').waitFor();
  await page.getByRole('button', { name: /立即群发/ }).click();
  const confirm = page.locator('.ant-popconfirm').filter({ hasText: '预计无人送达，仍要群发？' });
  await confirm.waitFor();
  await confirm.getByRole('button', { name: /取\s*消/ }).click();
  await confirm.waitFor({ state: 'hidden' });
  t.is(await page.locator('.ant-table-row').filter({ hasText: '公众号活动' }).count(), 0, 'nothing is sent without the confirmation');
});
