import { writeFileSync } from 'node:fs';
import test from 'ava';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import { consolePage, SCREENSHOTS, startConsoleJourney, signInOnConsole } from '../support/browser.ts';
import { PASSWORD } from '../support/console-api.ts';
import { docxFixture, tempDir } from '../support/kb-fixtures.ts';

/**
 * The admin's knowledge journey (issue 15, "Done when"), in Chromium against the whole service:
 * an admin drops a DOCX on the knowledge page, sees it imported with its chunks, asks about it in
 * 「试一试」 as a customer would and gets the answer from it, with the candidates' scores. The
 * screenshots of docs/admin.md ("知识库") are taken here.
 */
const screenshots = SCREENSHOTS;

test('an admin uploads a DOCX and asks about it in 试一试', async (t) => {
  // One journey through a whole service and a browser: minutes on a loaded machine, not seconds.
  t.timeout(300_000);
  const { h, browser, close } = await startConsoleJourney({ env: { KB_DEMO_FILE: 'none' } });
  t.teardown(close);
  await createStaffUser(
    h.service.db,
    { email: 'boss@example.com', displayName: '店长', role: 'admin', password: PASSWORD },
    { actorId: null, sourceIp: null, via: 'cli' },
  );
  const manual = `${tempDir()}/会员手册.docx`;
  writeFileSync(
    manual,
    await docxFixture([
      { heading: '会员等级', paragraphs: ['会员分为银卡、金卡和黑卡三个等级，一年内消费满2000元升级为金卡，满8000元升级为黑卡。'] },
      { heading: '生日礼', paragraphs: ['金卡和黑卡会员在生日当月可以领取一张50元无门槛优惠券，在会员中心领取，当月有效。'] },
    ]),
  );

  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  t.teardown(() => context.close());
  const { page, refused } = await consolePage(context);
  await signInOnConsole(page, h.baseUrl, 'boss@example.com');
  await page.getByRole('button', { name: '知识库' }).click();
  await page.getByRole('heading', { name: '知识库' }).waitFor();
  t.is(new URL(page.url()).pathname, '/console/knowledge');

  // Dropped on the drag-and-drop area (its file input is what a drop fills).
  await page.locator('.ant-upload-drag input[type=file]').setInputFiles(manual);
  const row = page.locator('[data-document="会员手册.docx"]');
  await row.getByText('生效中').waitFor({ timeout: 30_000 });
  t.regex((await row.textContent()) ?? '', /v1.*2 段 · docx/);
  await page.getByText('会员手册.docx 已导入为 v1，2 段').waitFor();
  await page.screenshot({ path: new URL('admin-knowledge-documents.png', screenshots).pathname });

  // The chunks as the brain sees them.
  await row.getByRole('button', { name: '分段与版本' }).click();
  const drawer = page.getByRole('dialog', { name: '会员手册.docx' });
  const chunks = drawer.locator('[data-chunk-id]');
  await chunks.nth(1).waitFor();
  t.regex((await chunks.nth(0).textContent()) ?? '', /#1 会员等级.*一年内消费满2000元升级为金卡/s);
  t.regex((await chunks.nth(1).textContent()) ?? '', /#2 生日礼.*50元无门槛优惠券/s);
  await page.screenshot({ path: new URL('admin-knowledge-chunks.png', screenshots).pathname });
  await page.keyboard.press('Escape');
  await drawer.waitFor({ state: 'hidden' });

  // 试一试: asked as a customer would, answered from the manual.
  await page.getByRole('tab', { name: '试一试' }).click();
  await page.getByRole('searchbox', { name: '像客户一样提问' }).fill('你好，金卡会员生日有优惠券吗？');
  await page
    .getByRole('button', { name: /试一试/ })
    .last()
    .click();
  const result = page.locator('.trial-result');
  await result.waitFor();
  t.regex((await result.locator('.trial-reply').textContent()) ?? '', /50元无门槛优惠券/, 'answered from the uploaded DOCX');
  t.regex((await result.textContent()) ?? '', /回答/);
  const best = result.locator('[data-chunk-id]').first();
  t.regex((await best.textContent()) ?? '', /会员手册\.docx/);
  t.regex((await best.textContent()) ?? '', /词匹配 0\.\d+/, 'the lexical score of the best candidate');
  t.regex((await best.textContent()) ?? '', /引用/, 'the answer cites it');
  await page.screenshot({ path: new URL('admin-knowledge-try.png', screenshots).pathname });
  t.deepEqual(refused, [], 'the Content-Security-Policy refused nothing the knowledge pages need');
});
