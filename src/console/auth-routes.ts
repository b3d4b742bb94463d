import { z } from 'zod';
import { RejectedRequestError } from '../errors.ts';
import type { createLogIn } from '../staff/log-in.ts';
import { logOut } from '../staff/log-in.ts';
import { EVERY_ROLE } from '../staff/roles.ts';
import { sessionIdHash, type SessionLifetimes } from '../staff/sessions.ts';
import type { Database } from '../db/connect.ts';
import type { ApiRegistry } from './api-registry.ts';
import { email, staffUser } from './api-schemas.ts';
import { clearSessionCookie, readSessionCookie, setSessionCookie } from './session-cookie.ts';

export interface AuthRouteDeps {
  db: Database;
  logIn: ReturnType<typeof createLogIn>;
  lifetimes: SessionLifetimes;
}

const loginBody = z.object({ email, password: z.string().min(1).max(1024) });

/** Login and logout: the session cookie's life. */
export function registerAuthRoutes(api: ApiRegistry, deps: AuthRouteDeps): void {
  api.operation({
    method: 'post',
    path: '/api/auth/login',
    summary: 'Log in with email and password: sets the session cookie, answers the user and the CSRF token',
    tag: 'auth',
    access: 'public',
    body: loginBody,
    success: {
      status: 200,
      description: 'Logged in; a new session (any previous one of this browser ended)',
      schema: z.object({ user: staffUser, csrfToken: z.string() }),
    },
    async handle({ ctx, body }) {
      const previous = readSessionCookie(ctx);
      const { user, session } = await deps.logIn({
        email: body.email,
        password: body.password,
        sourceIp: ctx.ip,
        ...(previous && { previousSessionIdHash: sessionIdHash(previous) }),
      });
      setSessionCookie(ctx, session.sessionId, deps.lifetimes.maxSeconds);
      return { user, csrfToken: session.csrfToken };
    },
  });

  api.operation({
    method: 'post',
    path: '/api/auth/logout',
    summary: 'Log out: ends the session and clears its cookie',
    tag: 'auth',
    access: EVERY_ROLE,
    success: { status: 204, description: 'Logged out' },
    async handle({ ctx, caller }) {
      if (!caller.session) {
        throw new RejectedRequestError(
          'not_a_session',
          'an API token has no session to end: revoke it with DELETE /api/me/tokens/{id}',
          400,
        );
      }
      await logOut(deps.db, caller.session.idHash, ctx.ip);
      clearSessionCookie(ctx);
    },
  });
}
