import { randomBytes } from 'node:crypto';
import { SESSION_RENEWAL_WINDOW_SECONDS } from '../../../src/channels/web/session-token.ts';
import { newClientId, nextClientAddress } from '../../support/web-visitor.ts';
import { pick, type HostileRequest, type Maker } from './hostile-http.ts';
import { json, pickSession, webRequest, type WebFixtures } from './web-fixtures.ts';
import { algNoneToken, expiredToken, sessionTokenFromUserSignature, urlCredential, userSignatureFromSessionToken } from './web-identity.ts';

/**
 * Token confusion on the widget API: every credential presented where it does not belong, aimed at
 * the signed-in victim's conversation. Each must be refused with a 4xx; a 2xx is a stranger let in.
 */

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
/** Tickets where they do not belong: for another use, another file, another account, twice, or as a session. */
export function ticketConfusionMakers(f: WebFixtures): Maker[] {
  const at = (path: string) => `/api/web/${f.account.publicId}${path}`;
  const ticket = (token: string, use: { fileId?: string }, publicId = f.account.publicId) => urlCredential(f.base, publicId, token, use);
  const download = (kind: string, credential: string) =>
    webRequest('GET', '/uploads/:fileId', kind, at(`/uploads/${f.victim.fileId}?${credential}`), { mustRefuse: true });
  const stream = (kind: string, credential: string) =>
    webRequest('GET', '/stream', kind, at(`/stream?${credential}`), { headers: { accept: 'text/event-stream' }, mustRefuse: true });
  return [
    async () => download('a stream ticket used for a download', await ticket(f.victim.token, {})),
    async () => stream('a download ticket used for a stream', await ticket(f.victim.token, { fileId: f.victim.fileId })),
    async () => download('a download ticket for another file', await ticket(f.victim.token, { fileId: '0'.repeat(32) })),
    async () =>
      download('another widget account’s ticket', await ticket(f.otherSession.token, { fileId: f.victim.fileId }, f.other.publicId)),
    async () => stream('another widget account’s ticket', await ticket(f.otherSession.token, {}, f.other.publicId)),
    async () => {
      const credential = await ticket(pickSession(f).token, {});
      return webRequest('GET', '/history', 'a ticket as a session token', at('/history'), {
        headers: { authorization: `Bearer ${decodeURIComponent(credential.slice('ticket='.length))}` },
        mustRefuse: true,
      });
    },
    () => stream('a session token as a ticket', `ticket=${encodeURIComponent(f.victim.token)}`),
    () => download('a session token as a ticket', `ticket=${encodeURIComponent(f.victim.token)}`),
    async () => {
      // A stream ticket opens one stream: the second use (a URL read from a log) is refused.
      const credential = await ticket(pickSession(f).token, {});
      const first = new AbortController();
      const res = await fetch(`${f.base}${at(`/stream?${credential}`)}`, {
        headers: { 'x-forwarded-for': nextClientAddress() },
        signal: first.signal,
      });
      first.abort();
      if (res.status !== 200) throw new Error(`a fresh stream ticket was refused: ${res.status}`);
      return stream('a stream ticket used twice', credential);
    },
  ];
}
