import { randomBytes } from 'node:crypto';
import { SESSION_RENEWAL_WINDOW_SECONDS } from '../../../src/channels/web/session-token.ts';
import { newClientId } from '../../support/web-visitor.ts';
import { pick, type HostileRequest, type Maker } from './hostile-http.ts';
import { json, webRequest, type WebFixtures } from './web-fixtures.ts';
import { algNoneToken, expiredToken, sessionTokenFromUserSignature, urlCredential, userSignatureFromSessionToken } from './web-identity.ts';

/**
 * The routes a session token opens, each as a request carrying `token` as the session header.
 * `renewal`: with POST session too, which by design renews a token expired within the renewal window.
 */
function withBearer(f: WebFixtures, kind: string, token: string, renewal = true): HostileRequest[] {
  const at = (path: string) => `/api/web/${f.account.publicId}${path}`;
  const auth = { authorization: `Bearer ${token}` };
  const init = { headers: auth, mustRefuse: true };
  return [
    webRequest('GET', '/history', kind, at('/history'), init),
    webRequest('POST', '/messages', kind, at('/messages'), {
      ...init,
      headers: json(token),
      body: JSON.stringify({ clientId: newClientId(), text: 'confused' }),
    }),
    webRequest('POST', '/uploads', kind, at('/uploads'), { ...init, headers: { ...auth, 'x-client-id': newClientId() }, body: 'x' }),
    webRequest('GET', '/uploads/:fileId', kind, at(`/uploads/${f.victim.fileId}`), init),
    webRequest('POST', '/tickets', kind, at('/tickets'), { ...init, headers: json(token), body: '{"purpose":"stream"}' }),
    // A returning visitor renews with the session header: the forged one must not renew either.
    ...(renewal ? [webRequest('POST', '/session', kind, at('/session'), { ...init, headers: json(token), body: '{}' })] : []),
  ];
}

const GARBAGE = () =>
  pick([
    randomBytes(24).toString('base64url'),
    'a.b.c',
    `${randomBytes(8).toString('base64url')}.${randomBytes(32).toString('base64url')}`,
    'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1OnZpY3RpbSJ9',
    'x'.repeat(8000),
    '..',
    'null',
  ]);

/**
 * Token confusion on the widget API: every credential presented where it does not belong, aimed at
 * the signed-in victim's conversation. Each must be refused with a 4xx; a 2xx is a stranger let in.
 */
export function tokenConfusionMakers(f: WebFixtures): Maker[] {
  const at = (path: string) => `/api/web/${f.account.publicId}${path}`;
  const spread = (kind: string, token: () => string | Promise<string>, renewal = true): Maker => {
    let turn = 0;
    return async () => {
      const all = withBearer(f, kind, await token(), renewal);
      return all[turn++ % all.length]!;
    };
  };
  return [
    spread('a user signature as a session token', () => sessionTokenFromUserSignature(f.account, f.victim.visitorId)),
    () =>
      webRequest('POST', '/session', 'a session token as a user signature', at('/session'), {
        headers: json(),
        body: JSON.stringify(userSignatureFromSessionToken(f.victim.token)),
        mustRefuse: true,
      }),
    spread('alg "none"', () => algNoneToken(f.account, f.victim.visitorId)),
    spread('a token of another widget account', () => f.otherSession.token),
    spread('a token expired an hour ago', () => expiredToken(f.account, f.victim.visitorId, 3600), false),
    spread('a token expired past the renewal window', () =>
      expiredToken(f.account, f.victim.visitorId, SESSION_RENEWAL_WINDOW_SECONDS + 24 * 3600),
    ),
    spread('random garbage', GARBAGE),
    () => {
      const path = pick(['/history', '/messages']);
      return webRequest(
        path === '/history' ? 'GET' : 'POST',
        path,
        'a session token in the query string',
        at(`${path}?token=${f.victim.token}`),
        {
          headers: { 'content-type': 'application/json' },
          body: path === '/history' ? undefined : JSON.stringify({ clientId: newClientId(), text: 'q' }),
          mustRefuse: true,
        },
      );
    },
    () =>
      webRequest('GET', '/stream', 'a session token in the query string', at(`/stream?token=${f.victim.token}`), {
        headers: { accept: 'text/event-stream' },
        mustRefuse: true,
      }),
    () =>
      webRequest(
        'GET',
        '/uploads/:fileId',
        'a session token in the query string',
        at(`/uploads/${f.victim.fileId}?token=${f.victim.token}`),
        {
          mustRefuse: true,
        },
      ),
    async () => {
      // Another visitor's own valid URL credential, on the victim's file.
      const credential = await urlCredential(f.base, f.account.publicId, f.anonymous[0]!.token, { fileId: f.victim.fileId });
      return webRequest(
        'GET',
        '/uploads/:fileId',
        'another visitor’s credential on the victim’s file',
        at(`/uploads/${f.victim.fileId}?${credential}`),
        {
          headers: { authorization: `Bearer ${f.anonymous[0]!.token}` },
          mustRefuse: true,
        },
      );
    },
    () =>
      webRequest(
        'GET',
        '/stream',
        'random garbage',
        at(`/stream?token=${encodeURIComponent(GARBAGE())}&ticket=${encodeURIComponent(GARBAGE())}`),
        {
          mustRefuse: true,
        },
      ),
  ];
}
