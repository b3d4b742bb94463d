import type { Context } from 'koa';
import type { Database } from '../db/connect.ts';
import { AuthenticationError, PermissionError } from '../errors.ts';
import { constantTimeEqual } from '../lib/constant-time-equal.ts';
import { authenticateApiToken } from '../staff/api-tokens.ts';
import type { Caller } from '../staff/caller.ts';
import { resumeSession, type SessionLifetimes } from '../staff/sessions.ts';
import { readSessionCookie } from './session-cookie.ts';

export const CSRF_HEADER = 'X-CSRF-Token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface RequestGuard {
  /** The caller of a request: a bearer token when one is sent (an invalid one is a 401), else the session cookie. */
  callerOf(ctx: Context): Promise<Caller | undefined>;
  /** Refuses a cross-site unsafe request (403) that a browser could have sent with the cookie. */
  refuseForgery(ctx: Context, caller: Caller | undefined): void;
}

/**
 * Who is calling, and whether a browser was tricked into calling. CSRF defence for cookie-borne
 * requests is two checks (OWASP CSRF Prevention Cheat Sheet):
 * - a synchronizer token: every unsafe request with the session cookie must carry the session's own
 *   random token in X-CSRF-Token. The console gets it from the login answer and GET /api/me; another
 *   site can neither read it nor set a custom header without a CORS preflight, which is not granted.
 * - an Origin check: when the browser says where the request comes from, it must be this service.
 *   This also covers the login form, where there is no session (and so no token) yet.
 * Bearer-token requests need neither: a browser never attaches the token by itself.
 */
export function createRequestGuard(deps: { db: Database; lifetimes: SessionLifetimes }): RequestGuard {
  return {
    async callerOf(ctx) {
      const authorization = ctx.get('authorization');
      if (authorization) {
        const bearer = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
        const caller = bearer ? await authenticateApiToken(deps.db, bearer) : undefined;
        if (!caller) throw new AuthenticationError('the API token is invalid, expired or revoked', 'invalid_token');
        return caller;
      }
      const sessionId = readSessionCookie(ctx);
      return sessionId ? resumeSession(deps.db, sessionId, deps.lifetimes) : undefined;
    },
    refuseForgery(ctx, caller) {
      if (SAFE_METHODS.has(ctx.method) || caller?.via === 'token') return;
      // Koa 3's ctx.origin is the Origin header itself; this service's own origin is built here.
      const origin = ctx.get('origin');
      if (origin && origin !== `${ctx.protocol}://${ctx.host}`)
        throw new PermissionError(`requests from ${origin} are not accepted`, 'cross_origin');
      if (caller?.session && !constantTimeEqual(ctx.get(CSRF_HEADER), caller.session.csrfToken)) {
        throw new PermissionError(`send the session's CSRF token in ${CSRF_HEADER} (from the login answer or GET /api/me)`, 'csrf_failed');
      }
    },
  };
}
