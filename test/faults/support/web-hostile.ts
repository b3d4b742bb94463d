import { pick, type Maker } from './hostile-http.ts';
import { newClientId } from '../../support/web-visitor.ts';
import { json, pickSession, webRequest, type WebFixtures } from './web-fixtures.ts';
import { companySignsUser, urlCredential } from './web-identity.ts';

const MiB = Buffer.alloc(1024 * 1024, '{');

/**
 * Bad input on the widget API with valid credentials, so it reaches the handlers: NUL and lone
 * surrogates in text, client ids, user ids and file names (JSON escapes, percent-encoding),
 * malformed JSON, wrong types and content types, oversized bodies, nonsense queries and cursors.
 * Bodies are written by hand, so the escapes (\u0000, \ud800) are exactly what a client sent and
 * malformed JSON is possible.
 */
export function webInputMakers(f: WebFixtures, maxMessageChars: number): Maker[] {
  const at = (path: string) => `/api/web/${f.account.publicId}${path}`;
  const message = (kind: string, body: string | Buffer, headers: Record<string, string> = {}, extra = {}) =>
    webRequest('POST', '/messages', kind, at('/messages'), { headers: { ...json(pickSession(f).token), ...headers }, body, ...extra });
  const text = (escaped: string) => `{"clientId":"${newClientId()}","text":"${f.markers.next()} ${escaped}"}`;
  const session = (kind: string, body: string | Buffer, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    webRequest('POST', '/session', kind, at('/session'), { headers, body });
  const signedUser = (userId: string) => JSON.stringify(companySignsUser(f.account, userId));
  const upload = (kind: string, headers: Record<string, string>, body: string | Buffer, extra = {}) =>
    webRequest('POST', '/uploads', kind, at('/uploads'), {
      headers: { authorization: `Bearer ${pickSession(f).token}`, 'x-client-id': newClientId(), ...headers },
      body,
      ...extra,
    });

  return [
    () => message('NUL in text', text('a\\u0000b')),
    () => message('lone surrogate in text', text(pick(['a\\ud800b', 'a\\udfffb', '\\ud800', 'a\\ud800\\ud800b']))),
    () => message('NUL or lone surrogate in clientId', `{"clientId":"abc\\u0000defgh","text":"${f.markers.next()}"}`),
    () => message('text of the wrong type', `{"clientId":"${newClientId()}","text":${pick(['42', '[1]', '{"a":1}', 'null', 'true'])}}`),
    () => message('text missing', `{"clientId":"${newClientId()}"}`),
    () => message('text too long', text('长'.repeat(maxMessageChars + 1))),
    () => message('malformed JSON', pick(['{"text":', '{"text":"\\uZZZZ"}', '[', 'nul', '\u0000{}', '{"a":1}}', '\ufeff{'])),
    () => message('a plain-text content type', text('hello'), { 'content-type': 'text/plain' }),
    () =>
      message('a form-encoded body', `text=${f.markers.next()}%00&clientId=abc`, { 'content-type': 'application/x-www-form-urlencoded' }),
    () => message('a body of 1 MiB', MiB, {}, { oversized: true }),
    () => message('a body of 1 MiB, chunked', MiB, {}, { oversized: true, chunked: true }),
    () =>
      message(
        '__proto__ in JSON',
        `{"__proto__":{"text":"${f.markers.next()}"},"constructor":{"prototype":{"x":1}},"clientId":"${newClientId()}"}`,
      ),
    () => message('deeply nested JSON', `${'['.repeat(6000)}${']'.repeat(6000)}`),
    () => session('NUL in a validly signed userId', signedUser(`user\u0000${newClientId()}`)),
    () => session('lone surrogate in a validly signed userId', signedUser(`user\ud800${newClientId()}`)),
    () => {
      // What a session of such a user id can do, if the service issued one; else the sign-in itself.
      const odd = f.oddUsers.length > 0 ? pick(f.oddUsers) : undefined;
      if (!odd) return session('a session of a user id with NUL or a lone surrogate', signedUser('user\u0000\ud800'));
      const kind = 'a session of a user id with NUL or a lone surrogate';
      return pick([
        () => webRequest('POST', '/messages', kind, at('/messages'), { headers: json(odd.token), body: text('hello') }),
        () => webRequest('GET', '/history', kind, at('/history'), { headers: json(odd.token) }),
        () =>
          webRequest('POST', '/uploads', kind, at('/uploads'), {
            headers: { ...json(odd.token), 'x-client-id': newClientId() },
            body: 'x',
          }),
        () => webRequest('POST', '/tickets', kind, at('/tickets'), { headers: json(odd.token), body: '{"purpose":"stream"}' }),
        () => webRequest('POST', '/session', kind, at('/session'), { headers: json(odd.token), body: '{}' }),
      ])();
    },
    () => session('malformed JSON', pick(['{"userId":', '{"userId":"\\ud800","signature":1}', '"', '{}{}'])),
    () => session('wrong types', pick(['{"userId":1,"signature":2}', '{"userId":["a"],"signature":"00"}', '[]', '{"extra":true}'])),
    () => session('a body of 1 MiB', MiB),
    () => session('an XML content type', '<xml/>', { 'content-type': 'text/xml' }),
    () =>
      webRequest(
        'GET',
        '/history',
        'nonsense query',
        `${at('/history')}?${pick(['before=%00', 'before=1e400', 'before=99999999999999999999', 'before=-1', 'limit=0', 'limit=abc', 'before=1&before=2', 'limit=%ED%A0%80', 'before=0x10'])}`,
        {
          headers: { authorization: `Bearer ${pickSession(f).token}` },
        },
      ),
    async () => {
      const s = pickSession(f);
      const cursor = pick(['99999999999999999999', '-1', 'abc', '1e3', ' ', '1.5', '9007199254740993']);
      const credential = await urlCredential(f.base, f.account.publicId, s.token, {});
      return webRequest('GET', '/stream', 'nonsense Last-Event-ID', `${at('/stream')}?${credential}`, {
        headers: { 'last-event-id': cursor, accept: 'text/event-stream' },
      });
    },
    async () => {
      const credential = await urlCredential(f.base, f.account.publicId, pickSession(f).token, {});
      const cursor = pick(['%00', '%ED%A0%80', '1%00', '-0', 'Infinity']);
      return webRequest('GET', '/stream', 'nonsense lastEventId in the query', `${at('/stream')}?${credential}&lastEventId=${cursor}`);
    },
    () =>
      webRequest('POST', '/tickets', 'a nonsense ticket request', at('/tickets'), {
        headers: json(pickSession(f).token),
        body: pick([
          '{"purpose":"download","fileId":"\\u0000"}',
          '{"purpose":"download","fileId":"../../etc/passwd"}',
          '{"purpose":"download"}',
          '{"purpose":"admin"}',
          '{"purpose":["stream"]}',
          '{"purpose":"stream","fileId":"\\ud800"}',
          '{"purpose":',
          '[]',
        ]),
      }),
    () => upload('NUL in the file name', { 'x-file-name': encodeURIComponent(`${f.markers.next()} a\u0000b.txt`) }, 'hello'),
    () => upload('lone surrogate in the file name', { 'x-file-name': `${f.markers.next()}%20a%ED%A0%80b%ED%B0%80.txt` }, 'hello'),
    () => upload('a bad X-Client-Id', { 'x-client-id': pick(['%00', 'short', 'x'.repeat(1000), 'abc\tdefghij']) }, 'hello'),
    () => upload('an upload past the cap', {}, Buffer.alloc(200 * 1024, 1), { oversized: true }),
    () => upload('an empty upload', {}, ''),
    () => upload('a page claiming to be an image', { 'content-type': 'image/svg+xml' }, '<svg onload="alert(1)"/>'),
    () =>
      webRequest(
        'GET',
        '/uploads/:fileId',
        'a bad file id',
        at(`/uploads/${pick(['..%2F..%2Fetc%2Fpasswd', '%00', 'x'.repeat(5000), '%E0%A4%A', '%ED%A0%80'])}`),
        {
          headers: { authorization: `Bearer ${f.victim.token}` },
        },
      ),
    // 👍/👎 on answers that are not the visitor's, or not answers at all, and ratings of every wrong shape.
    () =>
      webRequest('POST', '/feedback', 'a bad vote', at('/feedback'), {
        headers: json(pickSession(f).token),
        body: pick([
          '{"messageId":1,"rating":"up"}',
          '{"messageId":-1,"rating":"up"}',
          `{"messageId":${2 ** 53},"rating":"down"}`,
          '{"messageId":"1","rating":"up"}',
          '{"messageId":1,"rating":"\\u0000"}',
          '{"messageId":1}',
          '{',
          'null',
        ]),
      }),
  ];
}

/** A CORS preflight from an odd origin, for one of the OPTIONS routes the service lists. */
export function preflightMaker(f: WebFixtures, route: string): Maker {
  const template = route.replace(/^OPTIONS \/api\/web\/:publicId/, '');
  return () =>
    webRequest(
      'OPTIONS',
      template,
      'a preflight from an odd origin',
      `/api/web/${f.account.publicId}${template.replace(':fileId', f.victim.fileId)}`,
      {
        headers: {
          origin: pick(['null', 'http://evil.example', 'file://', 'http://[::1', `https://${'a'.repeat(3000)}.com`]),
          'access-control-request-method': pick(['DELETE', 'GET', '%00']),
          'access-control-request-headers': 'x-\u00ff, authorization',
        },
      },
    );
}
