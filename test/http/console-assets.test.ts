import { existsSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { createHttpApp } from '../../src/http/app.ts';
import { registerConsoleAssetRoutes } from '../../src/http/console-assets.ts';
import { createLogger } from '../../src/observability/logger.ts';
import { createMetrics } from '../../src/observability/metrics.ts';

/** How the API process serves the built console (console/dist) at /console: caching, CSP, deep links. */
const dist = new URL('../../console/dist/', import.meta.url);
let baseUrl: string;
let close: () => Promise<void>;
test.before(async () => {
  if (!existsSync(new URL('index.html', dist))) throw new Error('console/dist is missing: `npm ci` or `npm run build` builds it');
  const app = createHttpApp({
    logger: createLogger('silent'),
    metrics: createMetrics(),
    channels: [],
    registerRoutes: [registerConsoleAssetRoutes],
    isReady: async () => ({ ready: true, checks: {} }),
    isAcceptingTraffic: () => true,
    trustedProxyHops: 0,
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise((r) => server.close(() => r()));
});
test.after.always(() => close?.());

/** The script the page loads, by its hashed name. */
const entryScript = () => /src="\/console\/assets\/([^"]+\.js)"/.exec(readFileSync(new URL('index.html', dist), 'utf8'))![1]!;

test('the page and every deep link under /console are the app, revalidated on each load, under a CSP with a fresh nonce', async (t) => {
  const redirect = await fetch(`${baseUrl}/console`, { redirect: 'manual' });
  t.is(redirect.status, 302);
  t.is(redirect.headers.get('location'), '/console/');

  const nonces = [];
  for (const path of ['/console/', '/console/conversations/42']) {
    const page = await fetch(`${baseUrl}${path}`);
    t.is(page.status, 200, path);
    t.regex(page.headers.get('content-type') ?? '', /^text\/html/);
    t.is(page.headers.get('cache-control'), 'no-cache');
    const csp = page.headers.get('content-security-policy') ?? '';
    t.regex(csp, /script-src 'self'(;|$)/, 'no inline or foreign script');
    t.regex(csp, /frame-ancestors 'none'/);
    const nonce = /style-src-elem 'self' 'nonce-([^']+)'/.exec(csp)?.[1];
    const html = await page.text();
    t.truthy(nonce);
    t.true(html.includes(`<meta name="csp-nonce" content="${nonce}"`), 'the page is told its nonce');
    t.true(html.includes(`/console/assets/${entryScript()}`));
    nonces.push(nonce);
  }
  t.not(nonces[0], nonces[1], 'each response has its own nonce');
});

test('hashed assets are cached for good, sent gzipped to browsers that take it and as they are to others', async (t) => {
  const name = entryScript();
  const raw = readFileSync(new URL(`assets/${name}`, dist));
  const zipped = await fetch(`${baseUrl}/console/assets/${name}`, { headers: { 'accept-encoding': 'gzip' } });
  t.is(zipped.status, 200);
  t.is(zipped.headers.get('content-encoding'), 'gzip');
  t.is(zipped.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  t.regex(zipped.headers.get('content-type') ?? '', /^application\/javascript/);
  t.regex(zipped.headers.get('vary') ?? '', /Accept-Encoding/);
  t.true(Buffer.from(await zipped.arrayBuffer()).equals(raw), 'the same script, unpacked by fetch');

  const plain = await fetch(`${baseUrl}/console/assets/${name}`, { headers: { 'accept-encoding': 'identity' } });
  t.is(plain.headers.get('content-encoding'), null);
  t.true(Buffer.from(await plain.arrayBuffer()).equals(raw));
});

test('an unknown asset is a 404, and no path leaves console/dist/assets', async (t) => {
  for (const path of ['/console/assets/nope.js', '/console/assets/..%2F..%2Fpackage.json', '/console/assets/.env']) {
    const res = await fetch(`${baseUrl}${path}`);
    t.is(res.status, 404, path);
    t.is(((await res.json()) as { error: string }).error, 'not_found');
  }
});
