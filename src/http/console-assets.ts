import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type Router from '@koa/router';
import type { Context } from 'koa';
import { RejectedRequestError } from '../errors.ts';

// Built by `npm run build` (also run by `npm ci`, through the prepare script) from console/src/.
const distDir = new URL('../../console/dist/', import.meta.url);
/** Vite names every asset by its content hash (console/vite.config.ts), so a name never changes meaning. */
const ASSET_NAME = /^[\w-]+\.[\w]+$/;
const CONTENT_TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};
/** Where index.html asks for the per-response nonce that Ant Design's style elements carry (console/src/app/csp-nonce.ts). */
const NONCE_PLACEHOLDER = '{{CSP_NONCE}}';

/**
 * The console's policy: scripts and everything else from this origin only, no inline script.
 * Ant Design writes its styles into <style> elements at run time (CSS-in-JS): those carry the
 * response's nonce, so no other inline stylesheet applies; `style` attributes (positions of
 * popups, set by its components) are allowed, as they cannot run code.
 */
function contentSecurityPolicy(nonce: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src-elem 'self' 'nonce-${nonce}'`,
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The agent console (console/dist) at /console: hashed assets cached for good, the page itself
 * revalidated on every load (so a deploy reaches agents on their next reload), and every other
 * path under /console answered with the page, where the app's own routes take over (deep links).
 */
export function registerConsoleAssetRoutes(router: Router): void {
  let page: Promise<string> | undefined;
  router.get('/console/assets/:file', async (ctx) => {
    const file = ctx.params.file ?? '';
    if (!ASSET_NAME.test(file)) throw new RejectedRequestError('not_found', 'no such console asset', 404);
    const gzip = ctx.acceptsEncodings('gzip', 'identity') === 'gzip';
    const body = await readAsset(file, gzip);
    ctx.set('Cache-Control', 'public, max-age=31536000, immutable');
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.vary('Accept-Encoding');
    if (body.gzipped) ctx.set('Content-Encoding', 'gzip');
    ctx.type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    ctx.body = body.bytes;
  });
  router.get('/console/{*path}', async (ctx) => {
    page ??= readFile(new URL('index.html', distDir), 'utf8');
    const html = await page.catch(() => {
      page = undefined;
      throw new RejectedRequestError('console_not_built', 'the console is not built: run `npm run build`', 503);
    });
    servePage(ctx, html);
  });
  // Registered after the page: the router matches /console/ here too, which must not redirect to itself.
  router.get('/console', (ctx) => {
    ctx.redirect('/console/');
  });
}

function servePage(ctx: Context, html: string): void {
  const nonce = randomBytes(16).toString('base64');
  ctx.set('Content-Security-Policy', contentSecurityPolicy(nonce));
  ctx.set('Cache-Control', 'no-cache');
  ctx.set('X-Content-Type-Options', 'nosniff');
  ctx.set('Referrer-Policy', 'same-origin');
  ctx.type = 'text/html; charset=utf-8';
  ctx.body = html.replaceAll(NONCE_PLACEHOLDER, nonce);
}

/** The build writes a .gz beside each script and stylesheet (scripts/build-console.ts); other files are sent as they are. */
async function readAsset(file: string, gzip: boolean): Promise<{ bytes: Buffer; gzipped: boolean }> {
  const url = new URL(`assets/${file}`, distDir);
  if (gzip) {
    const packed = await readFile(new URL(`assets/${file}.gz`, distDir)).catch(() => undefined);
    if (packed) return { bytes: packed, gzipped: true };
  }
  const bytes = await readFile(url).catch(() => {
    throw new RejectedRequestError('not_found', 'no such console asset', 404);
  });
  return { bytes, gzipped: false };
}
