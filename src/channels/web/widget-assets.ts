import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type Router from '@koa/router';
import { RejectedRequestError } from '../../errors.ts';

// Built by `npm run build` (also run by `npm ci`, through the prepare script) from widget/src/.
const widgetBundle = new URL('../../../widget/dist/widget.js', import.meta.url);
const demoPage = new URL('../../../widget/demo/index.html', import.meta.url);

async function cachedFile(url: URL, transform: (text: string) => string = (t) => t) {
  const body = transform(await readFile(url, 'utf8'));
  return { body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
}

/**
 * GET /widget.js — the embeddable script — and, when the demo is on, GET / — a demo store page
 * (悦享生活馆) with the widget of `demoPublicId`, what a newcomer sees after `npm start`.
 */
export function registerWidgetAssetRoutes(router: Router, options: { demoPublicId?: string }): void {
  let widget: Promise<{ body: string; etag: string }> | undefined;
  router.get('/widget.js', async (ctx) => {
    widget ??= cachedFile(widgetBundle);
    const file = await widget.catch(() => {
      widget = undefined;
      throw new RejectedRequestError('widget_not_built', 'the widget bundle is missing: run `npm run build`', 503);
    });
    ctx.set('Cache-Control', 'public, max-age=300');
    ctx.set('ETag', file.etag);
    if (ctx.get('If-None-Match') === file.etag) {
      ctx.status = 304;
      return;
    }
    ctx.type = 'application/javascript; charset=utf-8';
    ctx.body = file.body;
  });

  const { demoPublicId } = options;
  if (!demoPublicId) return;
  let page: Promise<{ body: string; etag: string }> | undefined;
  router.get('/', async (ctx) => {
    page ??= cachedFile(demoPage, (html) => html.replaceAll('{{PUBLIC_ID}}', demoPublicId));
    ctx.type = 'text/html; charset=utf-8';
    ctx.set('Cache-Control', 'no-cache');
    ctx.body = (await page).body;
  });
}
