import { createHmac } from 'node:crypto';
import test from 'ava';
import { deriveWidgetKeys } from '../../../src/channels/web/widget-keys.ts';
import { eventually, startHarness, type Harness } from '../../support/wecom-service.ts';
import { signUserId, WebVisitor } from '../../support/web-visitor.ts';

/**
 * The attack of issue 12: a customer who may choose their own user id picks one that is a session
 * token's signed part, has the company sign it, and presents the signature as a session (or the
 * other way round). With one key per purpose no MAC made for one purpose verifies for another.
 */
const SECRET = 'token-confusion-web-chat-secret-0123456789';
let h: Harness;
test.before(async () => {
  h = await startHarness({ database: 'postgres', env: { WEB_CHAT_SECRET: SECRET } });
});
test.after.always(() => h?.close());

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const error = async (res: Response) => ((await res.json()) as { error: string }).error;

test('a company’s user signature never passes as a session token: the victim’s history stays closed', async (t) => {
  const victim = new WebVisitor(h.baseUrl);
  await victim.startSession(signUserId(SECRET, 'victim'));
  await victim.send('我的地址是幸福路1号');
  await eventually(async () => (await victim.history()).length > 0, 30_000, 'the victim’s message stored');

  // The signed part of a session token for the victim, as the attacker would pick their "user id".
  const now = Math.floor(Date.now() / 1000);
  const signingInput = `${b64({ alg: 'HS256', typ: 'kefu-web-session+jwt' })}.${b64({ aud: 'default', sub: 'u:victim', iat: now, exp: now + 3600 })}`;
  const companySigned = signUserId(SECRET, signingInput);
  const attempts: Array<[string, Buffer]> = [
    ['the company’s signature of that user id', Buffer.from(companySigned.signature, 'hex')],
    [
      'the user-signature key over the signing input itself',
      createHmac('sha256', deriveWidgetKeys(SECRET).userSignature).update(signingInput).digest(),
    ],
    ['the old format: HMAC(secret, userId)', createHmac('sha256', SECRET).update(signingInput).digest()],
  ];
  const thief = new WebVisitor(h.baseUrl);
  for (const [what, mac] of attempts) {
    thief.token = `${signingInput}.${mac.toString('base64url')}`;
    const res = await fetch(`${thief.api}/history`, { headers: thief.headers() });
    t.is(res.status, 401, what);
    t.is(await error(res), 'token_invalid', what);
    t.is((await thief.ticket({ purpose: 'stream' })).status, 401, `${what}: no stream ticket either`);
  }
});

test('a session token never passes as a user signature', async (t) => {
  const visitor = new WebVisitor(h.baseUrl);
  await visitor.startSession();
  const [header, payload, mac] = visitor.token.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { exp: number };
  const signature = Buffer.from(mac, 'base64url').toString('hex');
  const attempts: Array<[string, Record<string, unknown>, number, string]> = [
    ['the payload as user id', { userId: payload, exp: claims.exp, signature }, 401, 'bad_user_signature'],
    ['the old format, payload as user id', { userId: payload, signature }, 401, 'user_signature_outdated'],
    // Longer than any user id may be (128 characters), so refused before any signature is checked.
    ['the signing input as user id', { userId: `${header}.${payload}`, exp: claims.exp, signature }, 400, 'bad_request'],
  ];
  for (const [what, body, status, code] of attempts) {
    const res = await new WebVisitor(h.baseUrl).startSession(body);
    t.is(res.status, status, what);
    t.is(await error(res), code, what);
  }
});

test('tickets and session tokens do not stand in for each other', async (t) => {
  const visitor = new WebVisitor(h.baseUrl);
  await visitor.startSession();
  const ticket = await visitor.ticketFor({ purpose: 'stream' });
  const asSession = await fetch(`${visitor.api}/history`, { headers: { ...visitor.headers(), Authorization: `Bearer ${ticket}` } });
  t.is(asSession.status, 401, 'a ticket is no session');
  t.is(await error(asSession), 'token_invalid');
  const asTicket = await fetch(`${visitor.api}/stream?ticket=${encodeURIComponent(visitor.token)}`, {
    headers: { 'X-Forwarded-For': visitor.address },
  });
  t.is(asTicket.status, 401, 'a session token is no ticket');
  t.is(await error(asTicket), 'token_invalid');
});
