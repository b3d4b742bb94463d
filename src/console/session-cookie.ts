import type { Context } from 'koa';

/**
 * The console's session cookie: HttpOnly (page scripts never see it), SameSite=Lax, Secure when the
 * request came over https (directly, or through a trusted proxy: TRUSTED_PROXY_HOPS). Under https it
 * is named with the `__Host-` prefix, which browsers accept only when Secure, on path / and without
 * a Domain: no sibling subdomain can set or shadow it.
 * Lax rather than Strict: agents open the console from links (the WeCom app's notification of a
 * waiting conversation); under Strict that first page would arrive without the cookie and look
 * logged out. Lax already withholds the cookie from cross-site POSTs, and every unsafe request
 * needs the session's CSRF token besides (src/console/request-guard.ts).
 */
export const SESSION_COOKIE = 'kefu_session';

const cookieName = (ctx: Context) => (ctx.secure ? `__Host-${SESSION_COOKIE}` : SESSION_COOKIE);

export function readSessionCookie(ctx: Context): string | undefined {
  return ctx.cookies.get(cookieName(ctx)) || undefined;
}

export function setSessionCookie(ctx: Context, sessionId: string, maxAgeSeconds: number): void {
  ctx.cookies.set(cookieName(ctx), sessionId, {
    httpOnly: true,
    sameSite: 'lax',
    secure: ctx.secure,
    path: '/',
    maxAge: maxAgeSeconds * 1000,
    overwrite: true,
  });
}

export function clearSessionCookie(ctx: Context): void {
  ctx.cookies.set(cookieName(ctx), '', { httpOnly: true, sameSite: 'lax', secure: ctx.secure, path: '/', maxAge: 0, overwrite: true });
}
