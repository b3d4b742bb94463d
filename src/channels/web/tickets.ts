import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { errors, jwtVerify, SignJWT } from 'jose';

/**
 * Tickets: what goes in a URL where a browser cannot send the session header (EventSource, <img>,
 * a download link). A ticket is a JWS (HS256) under the account's ticket key, typ
 * `kefu-web-ticket+jwt`, for one visitor, one purpose (and one file for downloads), living at most
 * a minute, so a URL that lands in a proxy's log is worthless by the time anyone reads it.
 */
export const TICKET_TYPE = 'kefu-web-ticket+jwt';
export const TICKET_TTL_SECONDS = 60;

export type TicketPurpose = { purpose: 'stream' } | { purpose: 'download'; fileId: string };

export async function issueTicket(key: Uint8Array, account: string, visitorId: string, use: TicketPurpose, nowMs = Date.now()) {
  const iat = Math.floor(nowMs / 1000);
  const ticket = await new SignJWT({ ...use })
    .setProtectedHeader({ alg: 'HS256', typ: TICKET_TYPE })
    .setAudience(account)
    .setSubject(visitorId)
    .setJti(randomBytes(16).toString('base64url'))
    .setIssuedAt(iat)
    .setExpirationTime(iat + TICKET_TTL_SECONDS)
    .sign(key);
  return { ticket, expiresAt: new Date((iat + TICKET_TTL_SECONDS) * 1000).toISOString() };
}

export type TicketCheck =
  | { ok: true; visitorId: string; jti: string; iat: number; exp: number }
  | { ok: false; reason: 'invalid' | 'expired' };

/** Checks a ticket for one use: a stream ticket opens no download, nor a ticket for one file another. */
export async function verifyTicket(key: Uint8Array, account: string, ticket: string, use: TicketPurpose): Promise<TicketCheck> {
  try {
    const { payload } = await jwtVerify(ticket, key, {
      algorithms: ['HS256'],
      typ: TICKET_TYPE,
      audience: account,
      requiredClaims: ['sub', 'jti', 'iat', 'exp', 'purpose'],
    });
    const fileMatches = use.purpose !== 'download' || payload.fileId === use.fileId;
    if (payload.purpose !== use.purpose || !fileMatches || typeof payload.sub !== 'string') return { ok: false, reason: 'invalid' };
    return { ok: true, visitorId: payload.sub, jti: payload.jti!, iat: payload.iat!, exp: payload.exp! };
  } catch (err) {
    return { ok: false, reason: err instanceof errors.JWTExpired ? 'expired' : 'invalid' };
  }
}

/**
 * Marks a ticket used; false when it already was. Stream tickets are single-use (SET NX on the jti
 * for the ticket's remaining life), so a ticket read from a log cannot open a second stream even
 * within its minute. Downloads are not: a browser may fetch an image twice (range, reload).
 */
export async function claimTicketOnce(redis: Redis, jti: string, exp: number, nowMs = Date.now()): Promise<boolean> {
  const ttlMs = Math.max(1000, exp * 1000 - nowMs + 1000);
  return (await redis.set(`web:ticket:${jti}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
}
