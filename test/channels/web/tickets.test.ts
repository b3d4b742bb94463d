import test from 'ava';
import { issueTicket } from '../../../src/channels/web/tickets.ts';
import { deriveWidgetKeys } from '../../../src/channels/web/widget-keys.ts';
import { startHarness, type Harness } from '../../support/wecom-service.ts';
import { WebVisitor } from '../../support/web-visitor.ts';

/** URLs the browser opens itself (EventSource, <img>, links) carry a ticket, never the session token. */
const SECRET = 'tickets-web-chat-secret-0123456789abcdef';
let h: Harness;
test.before(async () => {
  h = await startHarness({ database: 'postgres', env: { WEB_CHAT_SECRET: SECRET } });
});
test.after.always(() => h?.close());

const error = async (res: Response) => ((await res.json()) as { error: string }).error;
const picture = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 3)]);
const noHeaders = (visitor: WebVisitor) => ({ headers: { 'X-Forwarded-For': visitor.address } });

async function uploaded(visitor: WebVisitor): Promise<{ url: string; fileId: string }> {
  const res = await visitor.upload(picture, 'photo.png');
  const { url } = ((await res.json()) as { message: { attachment: { url: string } } }).message.attachment;
  return { url, fileId: url.slice(url.lastIndexOf('/') + 1) };
}

test('a session token in the query string is refused on the stream and on downloads', async (t) => {
  const visitor = new WebVisitor(h.baseUrl);
  await visitor.startSession();
  const { url } = await uploaded(visitor);
  for (const target of [`${visitor.api}/stream`, `${h.baseUrl}${url}`]) {
    const res = await fetch(`${target}?token=${encodeURIComponent(visitor.token)}`, noHeaders(visitor));
    t.is(res.status, 401, target);
    t.is(await error(res), 'token_in_query', target);
  }
});

test('a ticket lives at most 60 seconds, and an expired one is refused', async (t) => {
  const visitor = new WebVisitor(h.baseUrl);
  await visitor.startSession();
  const res = await visitor.ticket({ purpose: 'stream' });
  // Issued at the whole second the server read its clock, which is no later than now.
  const answeredAt = Date.now();
  t.is(res.status, 200);
  const { ticket, expiresAt } = (await res.json()) as { ticket: string; expiresAt: string };
  t.true(Date.parse(expiresAt) - answeredAt <= 60_000);
  const claims = JSON.parse(Buffer.from(ticket.split('.')[1]!, 'base64url').toString()) as { exp: number; iat: number };
  t.true(claims.exp - claims.iat <= 60);

  const old = await issueTicket(deriveWidgetKeys(SECRET).ticket, 'default', visitor.visitorId, { purpose: 'stream' }, Date.now() - 61_000);
  const expired = await fetch(`${visitor.api}/stream?ticket=${old.ticket}`, noHeaders(visitor));
  t.is(expired.status, 401);
  t.is(await error(expired), 'token_expired');
});

test('a stream ticket opens one stream once; opening it again is refused', async (t) => {
  const visitor = new WebVisitor(h.baseUrl);
  await visitor.startSession();
  const ticket = await visitor.ticketFor({ purpose: 'stream' });
  const abort = new AbortController();
  const first = await fetch(`${visitor.api}/stream?ticket=${ticket}`, { ...noHeaders(visitor), signal: abort.signal });
  t.is(first.status, 200);
  abort.abort();
  const again = await fetch(`${visitor.api}/stream?ticket=${ticket}`, noHeaders(visitor));
  t.is(again.status, 401);
  t.is(await error(again), 'ticket_used');
});

test('a ticket is for one purpose: a stream ticket opens no file, a download ticket no stream and no other file', async (t) => {
  const visitor = new WebVisitor(h.baseUrl);
  await visitor.startSession();
  const mine = await uploaded(visitor);
  const another = await uploaded(visitor);
  const streamTicket = await visitor.ticketFor({ purpose: 'stream' });
  const downloadTicket = await visitor.ticketFor({ purpose: 'download', fileId: mine.fileId });

  const cases: Array<[string, string]> = [
    ['stream ticket as a download', `${h.baseUrl}${mine.url}?ticket=${streamTicket}`],
    ['download ticket as a stream', `${visitor.api}/stream?ticket=${downloadTicket}`],
    ['download ticket for another file', `${h.baseUrl}${another.url}?ticket=${downloadTicket}`],
  ];
  for (const [what, url] of cases) {
    const res = await fetch(url, noHeaders(visitor));
    t.is(res.status, 401, what);
    t.is(await error(res), 'token_invalid', what);
  }
  const served = await fetch(`${h.baseUrl}${mine.url}?ticket=${downloadTicket}`, noHeaders(visitor));
  t.is(served.status, 200, 'and it opens what it is for');
  t.deepEqual(Buffer.from(await served.arrayBuffer()), picture);
});

test('a ticket needs a session, and a ticket for another visitor’s file opens nothing', async (t) => {
  const owner = new WebVisitor(h.baseUrl);
  await owner.startSession();
  const { fileId, url } = await uploaded(owner);
  const stranger = new WebVisitor(h.baseUrl);
  const anonymous = await stranger.ticket({ purpose: 'download', fileId });
  t.is(anonymous.status, 401);
  t.is(await error(anonymous), 'token_missing');
  await stranger.startSession();
  t.is((await stranger.download(url)).status, 404, 'the same answer as for a file that does not exist');
  t.is((await stranger.ticket({ purpose: 'everything' })).status, 400);
});
