import test from 'ava';
import { startHarness, type Harness } from '../support/wecom-service.ts';
import { signUserId, WebVisitor } from '../support/web-visitor.ts';

const SECRET = 'test-web-chat-secret-0123456789';
let h: Harness;
test.before(async () => {
  h = await startHarness({ database: 'postgres', env: { WEB_CHAT_SECRET: SECRET } });
});
test.after.always(() => h?.close());

const error = async (res: Response) => ((await res.json()) as { error: string }).error;

test('an anonymous visitor gets a signed token; renewing it keeps the same visitor', async (t) => {
  const visitor = new WebVisitor(h.baseUrl);
  const res = await visitor.startSession();
  t.is(res.status, 200);
  const first = visitor.visitorId;
  t.regex(first, /^v:/);
  t.is((await visitor.startSession()).status, 200);
  t.is(visitor.visitorId, first);
});

test('forged, tampered and missing tokens are refused with 401 and a clear code', async (t) => {
  const visitor = new WebVisitor(h.baseUrl);
  await visitor.startSession();
  const [payload, signature] = visitor.token.split('.') as [string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  const cases: Array<[string, string]> = [
    ['garbage', 'not-a-token'],
    ['tampered visitor', `${Buffer.from(JSON.stringify({ ...claims, sub: 'v:someone-else' })).toString('base64url')}.${signature}`],
    ['tampered expiry', `${Buffer.from(JSON.stringify({ ...claims, exp: claims.exp + 1 })).toString('base64url')}.${signature}`],
    ['signed with another secret', `${payload}.${Buffer.from('x'.repeat(32)).toString('base64url')}`],
  ];
  for (const [what, token] of cases) {
    const res = await fetch(`${visitor.api}/history`, { headers: { ...visitor.headers(), Authorization: `Bearer ${token}` } });
    t.is(res.status, 401, what);
    t.is(await error(res), 'token_invalid', what);
    const stream = await fetch(`${visitor.api}/stream?token=${encodeURIComponent(token)}`, {
      headers: { 'X-Forwarded-For': visitor.address },
    });
    t.is(stream.status, 401, `${what} (stream)`);
  }
  const missing = await fetch(`${visitor.api}/messages`, {
    method: 'POST',
    headers: { 'X-Forwarded-For': visitor.address },
    body: JSON.stringify({ clientId: 'abcdefgh', text: 'hi' }),
  });
  t.is(missing.status, 401);
  t.is(await error(missing), 'token_missing');
});

test('an expired token is refused with token_expired', async (t) => {
  const { signSessionToken } = await import('../../src/channels/web/session-token.ts');
  const visitor = new WebVisitor(h.baseUrl);
  visitor.token = signSessionToken(SECRET, { acc: 'default', sub: 'v:old', exp: Math.floor(Date.now() / 1000) - 10 });
  const res = await fetch(`${visitor.api}/history`, { headers: visitor.headers() });
  t.is(res.status, 401);
  t.is(await error(res), 'token_expired');
});

test('a company-signed user id gives the same visitor and history on every device; a wrong signature is refused', async (t) => {
  const laptop = new WebVisitor(h.baseUrl);
  t.is((await laptop.startSession({ userId: 'member-42', signature: signUserId(SECRET, 'member-42') })).status, 200);
  t.is(laptop.visitorId, 'u:member-42');
  t.is((await laptop.send('我的订单到哪了')).status, 202);

  const phone = new WebVisitor(h.baseUrl);
  await phone.startSession({ userId: 'member-42', signature: signUserId(SECRET, 'member-42') });
  t.is(phone.visitorId, 'u:member-42');
  t.true((await phone.history()).some((m) => m.text === '我的订单到哪了'));

  const impostor = new WebVisitor(h.baseUrl);
  const res = await impostor.startSession({ userId: 'member-42', signature: signUserId('another-secret-0123456789', 'member-42') });
  t.is(res.status, 401);
  t.is(await error(res), 'bad_user_signature');
  const unsigned = await impostor.startSession({ userId: 'member-42', signature: '' });
  t.is(unsigned.status, 401);
});

test('an unknown widget id is 404', async (t) => {
  const res = await fetch(`${h.baseUrl}/api/web/nope/session`, { method: 'POST' });
  t.is(res.status, 404);
  t.is(await error(res), 'unknown_widget');
});
