import { existsSync, mkdirSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { PASSWORD } from './console-api.ts';
import { type Harness, type HarnessOptions, startHarness } from './wecom-service.ts';

/**
 * Debian's Chromium driven by playwright-core (no browser download): scripts/ensure-services.sh
 * installs it when missing. Playwright gives every launch a fresh temporary profile
 * (--user-data-dir) and every context its own storage, so visitors never share a session.
 */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function chromiumInstalled(): boolean {
  return existsSync(CHROMIUM);
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A console page that records what the page's Content-Security-Policy refused: the app must need nothing it forbids. */
export async function consolePage(context: BrowserContext): Promise<{ page: Page; refused: string[] }> {
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const refused: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('Content Security Policy')) refused.push(message.text());
  });
  return { page, refused };
}

/** Signs in as `email` (with the suite's PASSWORD) through the console's login form, as a person does. */
export async function signInOnConsole(page: Page, baseUrl: string, email: string): Promise<void> {
  await page.goto(`${baseUrl}/console`);
  await page.getByLabel('邮箱').fill(email);
  await page.getByLabel('密码').fill(PASSWORD);
  await page.getByRole('button', { name: /登\s*录/ }).click();
}

/** Where the console journeys write the screenshots docs/ shows. */
export const SCREENSHOTS = new URL('../../docs/images/', import.meta.url);

export interface ConsoleJourney {
  h: Harness;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * What a journey in the console needs before its first step, each missing piece with one clear
 * error: Debian's Chromium and the built widget and console; then the whole service (on PostgreSQL
 * unless `options` say otherwise), a browser, and the screenshots' folder.
 */
export async function startConsoleJourney(options: Partial<HarnessOptions> = {}): Promise<ConsoleJourney> {
  if (!chromiumInstalled()) throw new Error(`Chromium is missing at ${CHROMIUM}: run scripts/ensure-services.sh`);
  for (const bundle of ['../../widget/dist/widget.js', '../../console/dist/index.html']) {
    if (!existsSync(new URL(bundle, import.meta.url))) throw new Error(`${bundle} is missing: \`npm ci\` or \`npm run build\` builds it`);
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  const h = await startHarness({ database: 'postgres', ...options });
  const browser = await launchChromium().catch(async (err) => {
    await h.close();
    throw err;
  });
  return {
    h,
    browser,
    async close() {
      await browser.close();
      await h.close();
    },
  };
}
