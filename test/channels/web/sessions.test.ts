import { createHmac } from 'node:crypto';
import test from 'ava';
import { and, eq, ne } from 'drizzle-orm';
import { SignJWT } from 'jose';
import { signSessionToken } from '../../../src/channels/web/session-token.ts';
import { deriveWidgetKeys } from '../../../src/channels/web/widget-keys.ts';
import { conversations, customers } from '../../../src/db/schema.ts';
import { eventually, startHarness, type Harness } from '../../support/wecom-service.ts';
import { signUserId, WebVisitor } from '../../support/web-visitor.ts';

const SECRET = 'test-web-chat-secret-0123456789abcdef';
const OTHER_SECRET = 'another-web-chat-secret-0123456789abcdef';
const sessionKey = (secret = SECRET) => deriveWidgetKeys(secret).session;
/** A session token as the service would sign it, issued `agoSeconds` ago, living `ttl` seconds. */
const mint = async (sub: string, options: { secret?: string; account?: string; agoSeconds?: number; ttl?: number } = {}) =>
  (
    await signSessionToken(
      sessionKey(options.secret),
      options.account ?? 'default',
      sub,
      options.ttl ?? 3600,
      Date.now() - (options.agoSeconds ?? 0) * 1000,
    )
  ).token;
let h: Harness;
test.before(async () => {
  h = await startHarness({ database: 'postgres', env: { WEB_CHAT_SECRET: SECRET } });
});
test.after.always(() => h?.close());

const error = async (res: Response) => ((await res.json()) as { error: string }).error;

const part = (token: string, i: number) => JSON.parse(Buffer.from(token.split('.')[i]!, 'base64url').toString());

test('an anonymous visitor gets a JWS session for this widget that lives WEB_SESSION_TTL_S; renewing it keeps the same visitor', async (t) => {
  const visitor = new WebVisitor(h.baseUrl);
  const res = await visitor.startSession();
  t.is(res.status, 200);
  const first = visitor.visitorId;
  t.regex(first, /^v:/);
  t.deepEqual(part(visitor.token, 0), { alg: 'HS256', typ: 'kefu-web-session+jwt' });
  const claims = part(visitor.token, 1);
  t.like(claims, { aud: 'default', sub: first });
  t.is(claims.exp - claims.iat, 3600, 'one hour by default');
  t.is(Date.parse(((await res.json()) as { expiresAt: string }).expiresAt), claims.exp * 1000);
  t.is((await visitor.startSession()).status, 200);
  t.is(visitor.visitorId, first);
});

test('forged, tampered and missing tokens are refused with 401 and a clear code', async (t) => {
  const visitor = new WebVisitor(h.baseUrl);
  await visitor.startSession();
  const [header, payload, signature] = visitor.token.split('.') as [string, string, string];
  const claims = part(visitor.token, 1);
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const signed = (protectedHeader: { alg: string; typ?: string }, body: Record<string, unknown>, key = sessionKey()) =>
    new SignJWT(body).setProtectedHeader(protectedHeader).sign(key);
  const cases: Array<[string, string]> = [
    ['garbage', 'not-a-token'],
    ['tampered visitor', `${header}.${b64({ ...claims, sub: 'v:someone-else' })}.${signature}`],
    ['tampered expiry', `${header}.${b64({ ...claims, exp: claims.exp + 1 })}.${signature}`],
    ['unsigned (alg none)', `${b64({ alg: 'none', typ: 'kefu-web-session+jwt' })}.${payload}.`],
    ['signed with another secret', await mint(visitor.visitorId, { secret: OTHER_SECRET })],
    [
      'signed with the raw secret, not the session key',
      await signed({ alg: 'HS256', typ: 'kefu-web-session+jwt' }, claims, Buffer.from(SECRET)),
    ],
    ['without typ', await signed({ alg: 'HS256' }, claims)],
    ['another typ', await signed({ alg: 'HS256', typ: 'JWT' }, claims)],
    ['HS512', await signed({ alg: 'HS512', typ: 'kefu-web-session+jwt' }, claims)],
    ['without aud', await signed({ alg: 'HS256', typ: 'kefu-web-session+jwt' }, { ...claims, aud: undefined })],
  ];
  for (const [what, token] of cases) {
    const res = await fetch(`${visitor.api}/history`, { headers: { ...visitor.headers(), Authorization: `Bearer ${token}` } });
    t.is(res.status, 401, what);
    t.is(await error(res), 'token_invalid', what);
  }
  const missing = await fetch(`${visitor.api}/messages`, {
    method: 'POST',
    headers: { 'X-Forwarded-For': visitor.address },
    body: JSON.stringify({ clientId: 'abcdefgh', text: 'hi' }),
  });
  t.is(missing.status, 401);
  t.is(await error(missing), 'token_missing');
});

test('an expired session is refused with token_expired, and a visitor coming back within the renewal window renews it and keeps their visitor id', async (t) => {
  const visitor = new WebVisitor(h.baseUrl);
  visitor.token = await mint('v:returning-after-a-month', { agoSeconds: 30 * 24 * 3600 });
  const res = await fetch(`${visitor.api}/history`, { headers: visitor.headers() });
  t.is(res.status, 401);
  t.is(await error(res), 'token_expired');
  t.is((await visitor.ticket({ purpose: 'stream' })).status, 401, 'nor does it get a ticket');

  t.is((await visitor.startSession()).status, 200);
  t.is(visitor.visitorId, 'v:returning-after-a-month');
  t.is((await fetch(`${visitor.api}/history`, { headers: visitor.headers() })).status, 200);

  const gone = new WebVisitor(h.baseUrl);
  gone.token = await mint('v:gone-for-a-year', { agoSeconds: 365 * 24 * 3600 });
  const renewal = await gone.startSession();
  t.is(renewal.status, 401, 'past the window (180 days) the session is over');
  t.is(await error(renewal), 'token_expired');
});

test('a signed-in customer’s session renews while it lives; once expired it needs a fresh user signature', async (t) => {
  const live = new WebVisitor(h.baseUrl);
  live.token = await mint('u:still-here', { agoSeconds: 600 });
  t.is((await live.startSession()).status, 200, 'a live session renews without a signature');
  t.is(live.visitorId, 'u:still-here');

  const lapsed = new WebVisitor(h.baseUrl);
  lapsed.token = await mint('u:came-back-tomorrow', { agoSeconds: 24 * 3600 });
  const renewal = await lapsed.startSession();
  t.is(renewal.status, 401, 'the renewal window is for anonymous visitors only');
  t.is(await error(renewal), 'token_expired');
  t.is((await lapsed.startSession(signUserId(SECRET, 'came-back-tomorrow'))).status, 200, 'a fresh signature signs them in again');
  t.is(lapsed.visitorId, 'u:came-back-tomorrow');
});

test('a company-signed user id gives the same visitor and history on every device; a wrong signature is refused', async (t) => {
  const laptop = new WebVisitor(h.baseUrl);
  t.is((await laptop.startSession(signUserId(SECRET, 'member-42'))).status, 200);
  t.is(laptop.visitorId, 'u:member-42');
  t.is((await laptop.send('我的订单到哪了')).status, 202);

  const phone = new WebVisitor(h.baseUrl);
  await phone.startSession(signUserId(SECRET, 'member-42'));
  t.is(phone.visitorId, 'u:member-42');
  t.true((await phone.history()).some((m) => m.text === '我的订单到哪了'));

  const impostor = new WebVisitor(h.baseUrl);
  const res = await impostor.startSession(signUserId(OTHER_SECRET, 'member-42'));
  t.is(res.status, 401);
  t.is(await error(res), 'bad_user_signature');
  const unsigned = await impostor.startSession({ ...signUserId(SECRET, 'member-42'), signature: '' });
  t.is(unsigned.status, 401);
  const otherUser = await impostor.startSession({ ...signUserId(SECRET, 'member-42'), userId: 'member-43' });
  t.is(await error(otherUser), 'bad_user_signature', 'the signature covers the user id');
  const signed = signUserId(SECRET, 'member-42');
  const later = await impostor.startSession({ ...signed, exp: signed.exp + 60 });
  t.is(await error(later), 'bad_user_signature', 'and its expiry');
});

test('a user signature expires: an expired one, and one expiring more than a day ahead, are refused', async (t) => {
  const now = Math.floor(Date.now() / 1000);
  const visitor = new WebVisitor(h.baseUrl);
  const expired = await visitor.startSession(signUserId(SECRET, 'member-9', now - 5));
  t.is(expired.status, 401);
  t.is(await error(expired), 'user_signature_expired');
  const tooFar = await visitor.startSession(signUserId(SECRET, 'member-9', now + 25 * 3600));
  t.is(tooFar.status, 401);
  t.is(await error(tooFar), 'user_signature_exp_too_far');
  t.is((await visitor.startSession(signUserId(SECRET, 'member-9', now + 23 * 3600))).status, 200);
});

test('the old user signature, hex(HMAC-SHA256(secret, userId)) without exp, is refused with user_signature_outdated', async (t) => {
  const visitor = new WebVisitor(h.baseUrl);
  const res = await visitor.startSession({
    userId: 'member-old',
    signature: createHmac('sha256', SECRET).update('member-old').digest('hex'),
  });
  t.is(res.status, 401);
  t.is(await error(res), 'user_signature_outdated');
});

const signIn = (visitor: WebVisitor, userId: string) => visitor.startSession(signUserId(SECRET, userId));
const texts = async (visitor: WebVisitor) => (await visitor.history()).map((m) => m.text);
const picture = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(50, 1)]);

test('a visitor who signs in during a session brings their anonymous history, pictures included, into the customer’s', async (t) => {
  // The customer wrote before, signed in on their laptop.
  const laptop = new WebVisitor(h.baseUrl);
  await signIn(laptop, 'member-77');
  await laptop.send('上次的订单');
  await eventually(async () => (await laptop.history()).length === 2, 30_000, 'the laptop conversation answered');
  const earlier = await texts(laptop);

  // On the phone they start anonymously, write and send a picture, then sign in.
  const phone = new WebVisitor(h.baseUrl);
  await phone.startSession();
  const anonymousId = phone.visitorId;
  await phone.send('多久发货');
  await eventually(async () => (await phone.history()).length === 2, 30_000, 'the anonymous question answered');
  const upload = (await (await phone.upload(picture, 'photo.png')).json()) as { message: { attachment: { url: string } } };
  const signedIn = await signIn(phone, 'member-77');
  t.is(signedIn.status, 200);
  t.like(await signedIn.json(), { visitor: { id: 'u:member-77', kind: 'user' }, merged: true });

  // The picture's turn may still be under way: both devices are compared once it is answered.
  await eventually(async () => (await phone.history()).length === 6, 30_000, 'the picture answered');
  const history = await texts(phone);
  t.deepEqual(history.slice(0, 2), earlier, 'what the customer wrote before, first');
  t.true(history.includes('多久发货') && history.some((x) => x.includes('48小时')), 'and what they wrote anonymously');
  t.deepEqual(await texts(laptop), history, 'the same history on every device');
  const file = await phone.download(upload.message.attachment.url);
  t.is(file.status, 200, 'the picture is served to the customer now');

  const [customer] = await h.service.db.select().from(customers).where(eq(customers.externalId, 'u:member-77'));
  const open = await h.service.db
    .select()
    .from(conversations)
    .where(and(eq(conversations.customerId, customer!.id), ne(conversations.status, 'closed')));
  t.is(open.length, 1, 'one open conversation, as for every customer');
  t.is((await h.service.db.select().from(customers).where(eq(customers.externalId, anonymousId))).length, 0);

  // Signing in again moves nothing more.
  const again = await signIn(phone, 'member-77');
  t.is(((await again.json()) as { merged?: boolean }).merged, undefined);
});

test('a new customer signing in keeps their anonymous conversation as their own', async (t) => {
  const visitor = new WebVisitor(h.baseUrl);
  await visitor.startSession();
  await visitor.send('能开发票吗');
  await eventually(async () => (await visitor.history()).length === 2, 30_000, 'the answer');
  const before = await texts(visitor);
  t.like(await (await signIn(visitor, 'member-new')).json(), { visitor: { id: 'u:member-new' }, merged: true });
  t.deepEqual(await texts(visitor), before);
});

test('a visitor who comes back signed in after their anonymous session expired still brings their history', async (t) => {
  const visitor = new WebVisitor(h.baseUrl);
  await visitor.startSession();
  await visitor.send('上周问过的尺码');
  await eventually(async () => (await visitor.history()).length === 2, 30_000, 'the answer');
  visitor.token = await mint(visitor.visitorId, { agoSeconds: 2 * 3600 });
  const res = await signIn(visitor, 'member-back');
  t.like(await res.json(), { visitor: { id: 'u:member-back' }, merged: true });
  t.true((await texts(visitor)).includes('上周问过的尺码'));
});

test('signing in never pulls in a history the caller cannot prove is theirs: foreign, tampered and signed-in tokens are refused', async (t) => {
  const victim = new WebVisitor(h.baseUrl);
  await victim.startSession();
  await victim.send('我的地址是幸福路1号');
  const attacker = new WebVisitor(h.baseUrl);
  await attacker.startSession();
  const [header, , signature] = attacker.token.split('.') as [string, string, string];
  const claims = part(attacker.token, 1);
  const cases: Array<[string, string, number, string]> = [
    [
      'another visitor’s id in my token',
      `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: victim.visitorId })).toString('base64url')}.${signature}`,
      401,
      'token_invalid',
    ],
    ['signed with another secret', await mint(victim.visitorId, { secret: OTHER_SECRET }), 401, 'token_invalid'],
    ['another widget’s token', await mint(victim.visitorId, { account: 'other-widget' }), 401, 'token_invalid'],
    ['a signed-in customer’s token', await mint('u:member-42'), 403, 'not_anonymous'],
  ];
  for (const [what, token, status, code] of cases) {
    const thief = new WebVisitor(h.baseUrl);
    thief.token = token;
    const res = await signIn(thief, 'member-thief');
    t.is(res.status, status, what);
    t.is(await error(res), code, what);
  }
  const thief = new WebVisitor(h.baseUrl);
  await signIn(thief, 'member-thief');
  t.false(
    (await texts(thief)).some((x) => x.includes('幸福路')),
    'the thief got nothing',
  );
  t.true((await texts(victim)).includes('我的地址是幸福路1号'), 'the victim kept everything');
});

test('an unknown widget id is 404', async (t) => {
  const res = await fetch(`${h.baseUrl}/api/web/nope/session`, { method: 'POST' });
  t.is(res.status, 404);
  t.is(await error(res), 'unknown_widget');
});
