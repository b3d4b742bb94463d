import { nextClientAddress } from '../../support/web-visitor.ts';
import type { Maker } from './hostile-http.ts';
import { pickSession, startSession, webRequest, type WebFixtures } from './web-fixtures.ts';
import { urlCredential } from './web-identity.ts';

/**
 * Tickets (POST tickets, what a browser puts in the URL of a stream or a download) where they do
 * not belong: for another use, another file, another widget, a second time, or as a session — and
 * a session token where a ticket belongs. Each must be refused with a 4xx.
 */
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
      // A stream ticket opens one stream: the second use (a URL read from a log) is refused. The
      // owner is a visitor of its own, so no other request of the storm holds its stream slots.
      const credential = await ticket((await startSession(f.base, f.account.publicId)).token, {});
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
