import { randomBytes } from 'node:crypto';
import test from 'ava';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../src/db/rows.ts';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import { consolePage, SCREENSHOTS, startConsoleJourney, signInOnConsole } from '../support/browser.ts';
import { PASSWORD } from '../support/console-api.ts';
import { ScriptedBrain } from '../support/scripted-brain.ts';
import { app, eventually } from '../support/wecom-service.ts';

/**
 * The admin's journey on the 渠道 page (issue 15), in Chromium against the whole service: the
 * configured WeCom app shows its callback URL; the admin adds a second app, gets its Token and
 * EncodingAESKey generated and shown once, and sees its callback URL; a widget's look is previewed
 * while it is typed and the running service serves the widget in that look at once. The screenshot of docs/admin.md, "渠道", is taken here.
 */
const screenshots = SCREENSHOTS;
const BLUE = 'rgb(22, 119, 255)';

test('an admin adds a WeCom app on the 渠道 page, gets its Token and EncodingAESKey generated and sees the callback URL to paste; a widget added there is served in its colour and title', async (t) => {
  const { h, browser, close } = await startConsoleJourney({
    brain: new ScriptedBrain(),
    env: { SECRETS_KEY: randomBytes(32).toString('base64') },
  });
  t.teardown(close);
  await createStaffUser(
    h.service.db,
    { email: 'admin@example.com', displayName: '管理员', role: 'admin', password: PASSWORD },
    { actorId: null, sourceIp: null, via: 'cli' },
  );
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 1000 } });
  const { page, refused } = await consolePage(context);

  await signInOnConsole(page, h.baseUrl, 'admin@example.com');
  await page.getByRole('button', { name: '渠道' }).click();
  const configured = page.locator('[data-account="wecom/default"]');
  await configured
    .locator('.callback-url')
    .filter({ hasText: `${h.baseUrl}/callbacks/wecom/default` })
    .waitFor();
  t.true(await configured.getByText(`••••${app.token.slice(-4)}`).isVisible(), 'the configured Token is masked');
  t.false((await page.content()).includes(app.token), 'the configured Token itself is nowhere on the page');

  await page.getByRole('button', { name: /添加账号/ }).click();
  await page.getByLabel('账号名').fill('sales');
  await page.getByLabel('CorpID').fill(app.corpId);
  await page.getByLabel('AgentId').fill(String(app.agentId));
  await page.getByLabel('Secret').fill('sales-app-secret');
  await page.getByRole('button', { name: /添加并生成密钥/ }).click();

  const token = (await page.locator('[data-field="token"]').first().locator('code').textContent()) ?? '';
  const aesKey = (await page.locator('[data-field="encodingAesKey"]').first().locator('code').textContent()) ?? '';
  t.regex(token, /^[A-Za-z0-9]{32}$/);
  t.regex(aesKey, /^[A-Za-z0-9]{43}$/);
  const sales = page.locator('[data-account="wecom/sales"]');
  await sales
    .locator('.callback-url')
    .filter({ hasText: `${h.baseUrl}/callbacks/wecom/sales` })
    .waitFor();
  await sales.getByText(`••••${aesKey.slice(-4)}`).waitFor();
  await page.screenshot({ path: new URL('console-channels.png', screenshots).pathname, fullPage: true });

  const rows = await queryRows<Record<string, unknown>>(h.service.db, sql`select * from stored_channel_accounts`);
  t.is(rows.length, 1);
  for (const secret of [token, aesKey, 'sales-app-secret']) t.false(JSON.stringify(rows).includes(secret), 'stored encrypted');

  // A widget's look, previewed as it is typed, then added.
  await page.getByRole('button', { name: /添加账号/ }).click();
  await page.getByRole('combobox', { name: '渠道' }).click();
  await page.getByTitle('网页挂件').click();
  await page.getByLabel('账号名').fill('shop');
  await page.getByLabel('挂件 ID').fill('shop');
  await page.getByLabel('标题', { exact: true }).fill('小店客服');
  await page.getByLabel('主色').fill('#1677ff');
  const preview = page.locator('.add-account').getByRole('img', { name: '挂件预览' });
  await preview.getByText('小店客服').waitFor();
  t.is(await preview.locator('.widget-preview-header').evaluate((e) => getComputedStyle(e).backgroundColor), BLUE);
  await page.getByRole('button', { name: /添加并生成密钥/ }).click();
  await page.locator('[data-account="web/shop"]').locator('.embed-snippet').filter({ hasText: 'data-kefu-id="shop"' }).waitFor();
  t.deepEqual(refused, []);

  // The running service serves the new widget, in that look, without a restart.
  const site = h.baseUrl;
  // The notice reaches the service's subscriber a moment after the answer: a preflight stops answering 404 then.
  await eventually(
    async () => (await fetch(`${site}/api/web/shop/session`, { method: 'OPTIONS' })).status !== 404,
    10_000,
    'the widget served',
  );
  const visitor = await context.newPage();
  await visitor.route(`${site}/shop.html`, (route) =>
    route.fulfill({
      contentType: 'text/html',
      body: `<!doctype html><title>shop</title><script src="/widget.js" data-kefu-id="shop" async></script>`,
    }),
  );
  await visitor.goto(`${site}/shop.html`);
  await visitor.getByRole('button', { name: '打开在线客服' }).click();
  const heading = visitor.getByRole('heading', { name: '小店客服' });
  await heading.waitFor();
  t.is(await heading.evaluate((e) => getComputedStyle(e.closest('header')!).backgroundColor), BLUE);
});
