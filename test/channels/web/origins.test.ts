import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { startHarness, type Harness } from '../../support/wecom-service.ts';
import { WebVisitor } from '../../support/web-visitor.ts';

// `demo` (env) allows one shop origin; `open` (CONFIG_FILE) allows any; neither allows evil.example.
const SHOP = 'https://shop.example.com';
let h: Harness;
test.before(async () => {
  const file = join(mkdtempSync(join(tmpdir(), 'kefu-web-')), 'config.json');
  writeFileSync(file, JSON.stringify({ web: [{ name: 'open', publicId: 'open', allowedOrigins: ['*'] }] }));
  h = await startHarness({
    database: 'postgres',
    env: { WEB_CHAT_ALLOWED_ORIGINS: `${SHOP}, https://m.shop.example.com`, CONFIG_FILE: file },
  });
});
test.after.always(() => h?.close());

test('a page on a foreign origin is refused with 403 before anything happens', async (t) => {
  const evil = new WebVisitor(h.baseUrl, 'demo', 'https://evil.example');
  const res = await evil.startSession();
  t.is(res.status, 403);
  t.is(((await res.json()) as { error: string }).error, 'origin_not_allowed');
  t.is(res.headers.get('access-control-allow-origin'), null);
  const preflight = await fetch(`${evil.api}/messages`, {
    method: 'OPTIONS',
    headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'POST' },
  });
  t.is(preflight.status, 403);
});

test('an allowed origin gets CORS headers on the preflight and on answers, errors included', async (t) => {
  const preflight = await fetch(`${h.baseUrl}/api/web/demo/messages`, {
    method: 'OPTIONS',
    headers: { Origin: SHOP, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization, content-type' },
  });
  t.is(preflight.status, 204);
  t.is(preflight.headers.get('access-control-allow-origin'), SHOP);
  t.regex(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization/);
  const shopper = new WebVisitor(h.baseUrl, 'demo', SHOP);
  const session = await shopper.startSession();
  t.is(session.status, 200);
  t.is(session.headers.get('access-control-allow-origin'), SHOP);
  t.regex(session.headers.get('vary') ?? '', /Origin/);
  const refused = await fetch(`${shopper.api}/history`, { headers: { Origin: SHOP, Authorization: 'Bearer nope' } });
  t.is(refused.status, 401);
  t.is(refused.headers.get('access-control-allow-origin'), SHOP, 'the page can read why it was refused');
});

test('the service’s own origin is always allowed, and * allows any', async (t) => {
  const own = new WebVisitor(h.baseUrl, 'demo', h.baseUrl);
  t.is((await own.startSession()).status, 200);
  const anywhere = new WebVisitor(h.baseUrl, 'open', 'https://anywhere.example');
  t.is((await anywhere.startSession()).status, 200);
});

test('a token of one widget does not open another widget, even under the same secret', async (t) => {
  const visitor = new WebVisitor(h.baseUrl, 'open');
  await visitor.startSession();
  const res = await fetch(`${h.baseUrl}/api/web/demo/history`, { headers: { Authorization: `Bearer ${visitor.token}` } });
  t.is(res.status, 401);
});
