import { randomBytes } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';

/**
 * Session tokens of the web widget: compact JWS (RFC 7515), HS256 under the account's session key
 * (widget-keys.ts), typ `kefu-web-session+jwt`, `aud` the widget account, `sub` the visitor.
 * A token binds one visitor to one widget account; every API call reads and writes only that
 * visitor's messages. Stateless but for the revocation mark, so any API process can check it.
 */
export const SESSION_TOKEN_TYPE = 'kefu-web-session+jwt';

export interface SessionClaims {
  /** The visitor: `v:<random>` for anonymous visitors, `u:<company user id>` for signed-in ones. */
  sub: string;
  /** Issued at and expiry, seconds since the epoch. */
  iat: number;
  exp: number;
}

/**
 * An anonymous visitor keeps their history this long without coming back: a session expired for
 * less than this is still renewed by POST /session. Chosen over a stored refresh credential
 * because every tab of the visitor renews the same token at once; a refresh token rotated on use
 * would let one tab's renewal void the other's and orphan the history. Theft is bounded the same
 * way (a renewal checks the revocation mark, like every request), and the token no longer travels
 * in URLs.
 */
export const SESSION_RENEWAL_WINDOW_SECONDS = 180 * 24 * 3600;

export async function signSessionToken(key: Uint8Array, account: string, visitorId: string, ttlSeconds: number, nowMs = Date.now()) {
  const iat = Math.floor(nowMs / 1000);
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: SESSION_TOKEN_TYPE })
    .setAudience(account)
    .setSubject(visitorId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(key);
  return { token, expiresAt: new Date((iat + ttlSeconds) * 1000).toISOString() };
}

export type TokenCheck = { ok: true; claims: SessionClaims } | { ok: false; reason: 'invalid' | 'expired' };

/** Checks a session token; `renewal` also accepts one expired within the renewal window. */
export async function verifySessionToken(key: Uint8Array, account: string, token: string, renewal = false): Promise<TokenCheck> {
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: ['HS256'],
      typ: SESSION_TOKEN_TYPE,
      audience: account,
      requiredClaims: ['sub', 'iat', 'exp'],
      clockTolerance: renewal ? SESSION_RENEWAL_WINDOW_SECONDS : 0,
    });
    if (typeof payload.sub !== 'string' || payload.sub === '') return { ok: false, reason: 'invalid' };
    return { ok: true, claims: { sub: payload.sub, iat: payload.iat!, exp: payload.exp! } };
  } catch (err) {
    return { ok: false, reason: err instanceof errors.JWTExpired ? 'expired' : 'invalid' };
  }
}

export const newAnonymousVisitorId = () => `v:${randomBytes(16).toString('base64url')}`;
export const signedInVisitorId = (userId: string) => `u:${userId}`;
export const isAnonymousVisitor = (visitorId: string) => visitorId.startsWith('v:');
