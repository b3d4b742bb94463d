import type { Context } from 'koa';
import type { Redis } from 'ioredis';
import { RejectedRequestError } from '../../errors.ts';

import { verifySessionToken, type SessionClaims } from './session-token.ts';
import { claimTicketOnce, verifyTicket, type TicketPurpose } from './tickets.ts';
import type { ResolvedWebAccount } from './widget-keys.ts';

export interface VisitorAuthDeps {
  redis: Redis;
  /** When the visitor's sessions were last revoked (customers/session-revocations.ts). */
  revokedBefore(accountName: string, visitorId: string): Promise<Date | undefined>;
}

const refused = (expired: boolean, what: string) =>
  new RejectedRequestError(
    expired ? 'token_expired' : 'token_invalid',
    `the ${what} is ${expired ? 'expired' : 'not valid for this widget'}; ${what === 'ticket' ? 'get a new ticket' : 'start a new session'}`,
    401,
  );

/** A session token in a URL ends up in proxy logs: refused outright, so no client keeps sending one. */
function refuseTokenInQuery(ctx: Context): void {
  if (ctx.query.token !== undefined) {
    throw new RejectedRequestError(
      'token_in_query',
      'session tokens go in the Authorization header; URLs take a ticket (POST tickets)',
      401,
    );
  }
}

/**
 * Who is calling: the session token in the Authorization header (never in a URL), or, where the
 * browser cannot send headers (EventSource, <img>, links), a ticket for exactly that use. Both
 * are checked against the visitor's revocation mark, an indexed lookup by primary key: cheap
 * enough for every request, and a cache would delay a revocation by its lifetime.
 */
export function createVisitorAuth(deps: VisitorAuthDeps) {
  async function notRevoked(account: ResolvedWebAccount, visitorId: string, issuedAt: number): Promise<void> {
    const mark = await deps.revokedBefore(account.name, visitorId);
    // iat has whole seconds: a token of the second the mark was set counts as before it.
    if (mark && issuedAt * 1000 <= mark.getTime())
      throw new RejectedRequestError('token_revoked', 'this session was ended; start a new session', 401);
  }

  /** The session's claims; `renewal` also accepts a token expired within the renewal window (POST /session). */
  async function session(ctx: Context, account: ResolvedWebAccount, renewal = false): Promise<SessionClaims> {
    refuseTokenInQuery(ctx);
    const header = ctx.get('Authorization');
    const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (!token) throw new RejectedRequestError('token_missing', 'a session token is required (POST session first)', 401);
    const check = await verifySessionToken(account.keys.session, account.name, token, renewal);
    if (!check.ok) throw refused(check.reason === 'expired', 'session token');
    await notRevoked(account, check.claims.sub, check.claims.iat);
    return check.claims;
  }

  /** The visitor a `?ticket=` was issued to, for this use only; a stream ticket opens one stream. */
  async function ticket(ctx: Context, account: ResolvedWebAccount, use: TicketPurpose): Promise<string> {
    refuseTokenInQuery(ctx);
    const raw = typeof ctx.query.ticket === 'string' ? ctx.query.ticket : '';
    if (!raw) throw new RejectedRequestError('ticket_missing', 'a ticket is required (POST tickets with the session token)', 401);
    const check = await verifyTicket(account.keys.ticket, account.name, raw, use);
    if (!check.ok) throw refused(check.reason === 'expired', 'ticket');
    if (use.purpose === 'stream' && !(await claimTicketOnce(deps.redis, check.jti, check.exp))) {
      throw new RejectedRequestError('ticket_used', 'this ticket was used already; get a new ticket', 401);
    }
    await notRevoked(account, check.visitorId, check.iat);
    return check.visitorId;
  }

  return { session, ticket };
}

export type VisitorAuth = ReturnType<typeof createVisitorAuth>;
