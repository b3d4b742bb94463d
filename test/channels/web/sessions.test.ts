import test from 'ava';
import { and, eq, ne } from 'drizzle-orm';
import { signSessionToken } from '../../../src/channels/web/session-token.ts';
import { conversations, customers } from '../../../src/db/schema.ts';
import { eventually, startHarness, type Harness } from '../../support/wecom-service.ts';
import { signUserId, WebVisitor } from '../../support/web-visitor.ts';

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

const signIn = (visitor: WebVisitor, userId: string) => visitor.startSession({ userId, signature: signUserId(SECRET, userId) });
const texts = async (visitor: WebVisitor) => (await visitor.history()).map((m) => m.text);
const picture = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(50, 1)]);

test('a visitor who signs in during a session brings their anonymous history, pictures included, into the customer’s', async (t) => {
  // The customer wrote before, signed in on their laptop.
  const laptop = new WebVisitor(h.baseUrl);
  await signIn(laptop, 'member-77');
  await laptop.send('上次的订单');
  await eventually(async () => (await laptop.history()).length === 2, 10_000, 'the laptop conversation answered');
  const earlier = await texts(laptop);

  // On the phone they start anonymously, write and send a picture, then sign in.
  const phone = new WebVisitor(h.baseUrl);
  await phone.startSession();
  const anonymousId = phone.visitorId;
  await phone.send('多久发货');
  await eventually(async () => (await phone.history()).length === 2, 10_000, 'the anonymous question answered');
  const upload = (await (await phone.upload(picture, 'photo.png')).json()) as { message: { attachment: { url: string } } };
  const signedIn = await signIn(phone, 'member-77');
  t.is(signedIn.status, 200);
  t.like(await signedIn.json(), { visitor: { id: 'u:member-77', kind: 'user' }, merged: true });

  const history = await texts(phone);
  t.deepEqual(history.slice(0, 2), earlier, 'what the customer wrote before, first');
  t.true(history.includes('多久发货') && history.some((x) => x.includes('48小时')), 'and what they wrote anonymously');
  t.deepEqual(await texts(laptop), history, 'the same history on every device');
  const file = await fetch(`${h.baseUrl}${upload.message.attachment.url}?token=${phone.token}`, { headers: phone.headers() });
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
  await eventually(async () => (await visitor.history()).length === 2, 10_000, 'the answer');
  const before = await texts(visitor);
  t.like(await (await signIn(visitor, 'member-new')).json(), { visitor: { id: 'u:member-new' }, merged: true });
  t.deepEqual(await texts(visitor), before);
});

test('signing in never pulls in a history the caller cannot prove is theirs: foreign, tampered and signed-in tokens are refused', async (t) => {
  const victim = new WebVisitor(h.baseUrl);
  await victim.startSession();
  await victim.send('我的地址是幸福路1号');
  const attacker = new WebVisitor(h.baseUrl);
  await attacker.startSession();
  const [payload, signature] = attacker.token.split('.') as [string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const cases: Array<[string, string, number, string]> = [
    [
      'another visitor’s id in my token',
      `${Buffer.from(JSON.stringify({ ...claims, sub: victim.visitorId })).toString('base64url')}.${signature}`,
      401,
      'token_invalid',
    ],
    [
      'signed with another secret',
      signSessionToken('another-secret-0123456789', { acc: 'default', sub: victim.visitorId, exp }),
      401,
      'token_invalid',
    ],
    ['another widget’s token', signSessionToken(SECRET, { acc: 'other-widget', sub: victim.visitorId, exp }), 401, 'token_invalid'],
    ['a signed-in customer’s token', signSessionToken(SECRET, { acc: 'default', sub: 'u:member-42', exp }), 403, 'not_anonymous'],
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
