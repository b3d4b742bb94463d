import test from 'ava';
import type { Browser, Page } from 'playwright-core';
import { createQuickReply } from '../../src/quick-replies/quick-replies.ts';
import { createStaffUser } from '../../src/staff/staff-users.ts';
import { consolePage, SCREENSHOTS, startConsoleJourney, signInOnConsole } from '../support/browser.ts';
import { PASSWORD } from '../support/console-api.ts';
import type { Harness } from '../support/wecom-service.ts';

/**
 * The agent's journey in the console (issue 13, "Done when"), in Chromium against the whole
 * service with the demo's offline bot: a visitor on the demo page asks the widget for a person;
 * the waiting conversation appears in the agent's open console without a reload; the agent opens
 * it from the keyboard, takes it and replies; the reply shows in the visitor's widget; the agent
 * resolves it and the bot answers the visitor's next question. On the way: the waiting tab's count
 * follows live, opening clears the unread badge, the customer panel shows the visitor, a quick
 * reply (`/`) and a knowledge answer go into the reply box. Also the phone layout of the inbox and
 * of the side panels. The screenshots of docs/agents.md are taken here.
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

const widgetSays = (page: Page, from: 'bot' | 'agent', text: string) => page.locator(`li.msg.${from} .body`).filter({ hasText: text });

test('an agent sees a visitor waiting without reloading, takes the conversation, replies into the widget and resolves it back to the bot', async (t) => {
  const cli = { actorId: null, sourceIp: null, via: 'cli' } as const;
  await createQuickReply(h.service.db, { title: '问候', text: '{客户名}您好，我是{客服名}，很高兴为您服务', shortcut: '/问候' }, cli);
  await createStaffUser(
    h.service.db,
    { email: 'wang@example.com', displayName: '客服小王', role: 'agent', password: PASSWORD },
    { actorId: null, sourceIp: null, via: 'cli' },
  );
  const agentContext = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
  const visitorContext = await browser.newContext({ locale: 'zh-CN' });
  t.teardown(async () => {
    await agentContext.close();
    await visitorContext.close();
  });

  // The agent signs in and leaves the inbox open.
  const { page: agent, refused } = await consolePage(agentContext);
  await signInOnConsole(agent, h.baseUrl, 'wang@example.com');
  await agent.getByRole('tab', { name: '等待人工' }).waitFor();
  t.is(await agent.locator('[data-conversation-id]').count(), 0, 'nobody is waiting yet');
  await agent.getByText('实时', { exact: true }).waitFor(); // the event stream (GET /api/events) is open
  const waitingTab = agent.getByRole('tab', { name: /等待人工/ });
  await waitingTab.locator('sup[title="0"]').waitFor();

  // A visitor on the demo page asks for a person.
  const visitor = await visitorContext.newPage();
  await visitor.goto(`${h.baseUrl}/`);
  await visitor.getByRole('button', { name: '打开在线客服' }).click();
  const say = async (text: string) => {
    await visitor.getByRole('textbox', { name: '输入消息' }).fill(text);
    await visitor.keyboard.press('Enter');
  };
  await say('我要转人工');
  await visitor.locator('li.msg.bot[data-id]').first().waitFor({ timeout: 10_000 });

  // It appears in the console already open: no reload, and no timer either (lists poll only while
  // the event stream is down).
  const waiting = agent.locator('[data-conversation-id]').first();
  await waiting.waitFor({ timeout: 10_000 });
  t.regex((await waiting.textContent()) ?? '', /等待人工/);
  t.regex((await waiting.textContent()) ?? '', /已等待/);
  t.regex((await waiting.textContent()) ?? '', /客户要求人工/);
  await waitingTab.locator('sup[title="1"]').waitFor(); // the tab's count followed, live too
  await waiting.locator('.unread').waitFor();
  await agent.screenshot({ path: new URL('console-inbox.png', screenshots).pathname });

  // The agent opens it from the keyboard: its messages are read, the badge goes.
  await waiting.focus();
  await agent.keyboard.press('Enter');
  const history = agent.getByRole('log', { name: '会话记录' });
  await history.getByText('我要转人工').waitFor();
  await waiting.locator('.unread').waitFor({ state: 'detached' });
  const customerPanel = agent.getByRole('region', { name: '客户信息' });
  await customerPanel.getByText('当前会话').waitFor();
  t.regex((await customerPanel.textContent()) ?? '', /网页/, 'the customer panel shows the visitor’s channel');

  // On a phone the inbox is a screen of its own.
  const phone = await browser.newContext({
    locale: 'zh-CN',
    viewport: { width: 375, height: 667 },
    storageState: await agentContext.storageState(),
  });
  t.teardown(() => phone.close());
  const { page: phonePage, refused: refusedOnPhone } = await consolePage(phone);
  await phonePage.goto(`${h.baseUrl}/console/`);
  await phonePage.locator('[data-conversation-id]').first().waitFor();
  t.is(await phonePage.getByRole('region', { name: '会话' }).count(), 0, 'no conversation column beside the list');
  t.true(await phonePage.evaluate(() => document.documentElement.scrollWidth <= 375), 'nothing wider than the phone');
  await phonePage.screenshot({ path: new URL('console-mobile-inbox.png', screenshots).pathname });
  await phonePage.locator('[data-conversation-id]').first().click();
  // The side panels are a drawer on a phone.
  await phonePage.getByRole('button', { name: '客户与知识库' }).click();
  await phonePage.getByRole('region', { name: '客户信息' }).getByText('当前会话').waitFor();
  await phonePage.keyboard.press('Escape');
  await phonePage.getByRole('button', { name: '返回会话列表' }).click();
  await phonePage.locator('[data-conversation-id]').first().waitFor();
  t.deepEqual(refusedOnPhone, [], 'nor on the phone, drawer included');

  // The agent leaves a note for colleagues, and takes it.
  t.true(
    await history
      .locator('li.message.bot .bot-decision')
      .getByText(/转人工/)
      .isVisible(),
    'the bot’s decision is shown',
  );
  await agent.getByRole('tab', { name: '内部备注' }).click();
  await agent.getByRole('combobox', { name: '内部备注' }).fill('老客户，优先处理');
  await agent.keyboard.press('Enter');
  await history.locator('li.message.note').filter({ hasText: '老客户，优先处理' }).waitFor();
  t.regex((await history.locator('li.message.note').textContent()) ?? '', /内部备注 · 客户不可见/);
  await agent.getByRole('tab', { name: '回复客户' }).click();
  await agent.getByRole('button', { name: /接\s*入/ }).click();
  await agent.getByText('由我接待').waitFor();

  // `/` opens the quick replies; Enter puts the chosen one in, its placeholders filled.
  const replyBox = agent.getByRole('combobox', { name: '回复客户' });
  await replyBox.pressSequentially('/问');
  await agent.locator('.ant-select-item-option', { hasText: '问候' }).waitFor();
  await replyBox.press('Enter');
  await agent.waitForFunction(() =>
    document.querySelector<HTMLTextAreaElement>('textarea[aria-label="回复客户"]')?.value.includes('很高兴'),
  );
  t.is(await replyBox.inputValue(), '您好，我是客服小王，很高兴为您服务', 'the quick reply’s text, filled in for this conversation');

  // A knowledge answer goes into the box below what is there.
  const knowledge = agent.getByRole('region', { name: '知识库搜索' });
  await knowledge.getByLabel('搜索知识库').fill('多久发货');
  await knowledge.getByLabel('搜索知识库').press('Enter');
  await knowledge.getByRole('button', { name: /插入/ }).first().waitFor();
  await agent.screenshot({ path: new URL('console-side-panels.png', screenshots).pathname });
  await knowledge.getByRole('button', { name: /插入/ }).first().click();
  t.regex(await replyBox.inputValue(), /^您好，我是客服小王，很高兴为您服务\n.*现货商品/s, 'the answer follows the quick reply');

  // Shift+Enter is a new line; Enter sends.
  await replyBox.fill('您好，我是客服小王');
  await replyBox.press('Shift+Enter');
  await replyBox.pressSequentially('请问有什么可以帮您？');
  await replyBox.press('Enter');
  const reply = history.locator('li.message.agent').filter({ hasText: '请问有什么可以帮您？' });
  await reply.waitFor();
  t.is(await replyBox.inputValue(), '', 'the box is emptied once sent');
  t.regex((await reply.textContent()) ?? '', /客服小王/, 'the reply carries the agent’s name');
  t.regex((await reply.textContent()) ?? '', /您好，我是客服小王\n请问/, 'on two lines');
  await agent.screenshot({ path: new URL('console-conversation.png', screenshots).pathname });

  // The search finds the conversation by the customer's words, with the words around them.
  const searchBox = agent.getByLabel('搜索会话');
  await searchBox.fill('转人工');
  await searchBox.press('Enter');
  await agent.locator('.search-snippet', { hasText: '转人工' }).waitFor();
  await searchBox.fill('');
  await searchBox.press('Enter'); // an empty search brings the tabs back
  await agent.getByRole('tab', { name: /等待人工/ }).waitFor();

  // The visitor sees the person's reply in the widget, and never the note.
  await widgetSays(visitor, 'agent', '请问有什么可以帮您？').waitFor({ timeout: 10_000 });
  t.is(await visitor.getByText('老客户，优先处理').count(), 0, 'the note stays internal');

  // Resolved, the conversation goes back to the bot (and out of this agent's sight: back to the
  // inbox), and the bot answers the visitor's next question.
  await agent.getByRole('button', { name: /解\s*决/ }).click();
  await agent.waitForURL(/\/console\/$/);
  await agent.getByText('暂无会话').waitFor();
  await say('多久发货');
  await widgetSays(visitor, 'bot', '现货商品').waitFor({ timeout: 10_000 });

  t.deepEqual(refused, [], 'the Content-Security-Policy refused nothing the console needs');
});

test('a supervisor adds, changes and removes a quick reply in the settings', async (t) => {
  await createStaffUser(
    h.service.db,
    { email: 'li@example.com', displayName: '主管老李', role: 'supervisor', password: PASSWORD },
    { actorId: null, sourceIp: null, via: 'cli' },
  );
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
  t.teardown(() => context.close());
  const { page, refused } = await consolePage(context);
  await signInOnConsole(page, h.baseUrl, 'li@example.com');
  await page.getByRole('button', { name: '快捷回复' }).click();
  await page.waitForURL(/\/console\/quick-replies$/);

  await page.getByRole('button', { name: /新\s*增/ }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('标题').fill('退款说明');
  await dialog.getByLabel('快捷短语').fill('/退款');
  await dialog.getByLabel('内容').fill('{客户名}您好，退款会在 3 个工作日内原路退回');
  await dialog.getByRole('button', { name: /保\s*存/ }).click();
  const row = page.locator('[data-quick-reply-id]', { hasText: '退款说明' });
  await row.waitFor();
  t.regex((await row.textContent()) ?? '', /\/退款/);

  await row.getByRole('button', { name: /编\s*辑/ }).click();
  await dialog.getByLabel('标题').fill('退款时效');
  await dialog.getByRole('button', { name: /保\s*存/ }).click();
  await page.locator('[data-quick-reply-id]', { hasText: '退款时效' }).waitFor();
  t.is(await page.locator('[data-quick-reply-id]', { hasText: '退款说明' }).count(), 0, 'renamed, not added');

  const renamed = page.locator('[data-quick-reply-id]', { hasText: '退款时效' });
  await renamed.getByRole('button', { name: /删\s*除/ }).click();
  await page
    .getByRole('tooltip')
    .getByRole('button', { name: /删\s*除/ })
    .click();
  await renamed.waitFor({ state: 'detached' });
  t.deepEqual(refused, [], 'the Content-Security-Policy refused nothing the settings need');
});
