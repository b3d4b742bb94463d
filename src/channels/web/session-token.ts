import { createHmac, randomBytes } from 'node:crypto';
import { constantTimeEqual } from '../../lib/constant-time-equal.ts';

/**
 * Session tokens of the web widget: `base64url(payload).base64url(HMAC-SHA256(secret, payload))`.
 * A token binds one visitor (the customer's external id) to one widget account; every API call
 * reads and writes only that visitor's messages. Stateless, so any API process can check it.
 */
export interface SessionClaims {
  /** Widget account name. */
  acc: string;
  /** The visitor: `v:<random>` for anonymous visitors, `u:<company user id>` for signed-in ones. */
  sub: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

/** Anonymous visitors keep their history this long without coming back; each visit renews it. */
export const SESSION_TTL_SECONDS = 180 * 24 * 3600;

const mac = (secret: string, data: string) => createHmac('sha256', secret).update(data).digest();

export function signSessionToken(secret: string, claims: SessionClaims): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

export type TokenCheck =
  | { ok: true; claims: SessionClaims }
  | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' | 'wrong_account' };

export function verifySessionToken(secret: string, account: string, token: string, nowMs = Date.now()): TokenCheck {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return { ok: false, reason: 'malformed' };
  if (!constantTimeEqual(mac(secret, payload), Buffer.from(signature, 'base64url'))) return { ok: false, reason: 'bad_signature' };
  let claims: SessionClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as SessionClaims;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number' || typeof claims.acc !== 'string')
    return { ok: false, reason: 'malformed' };
  if (claims.acc !== account) return { ok: false, reason: 'wrong_account' };
  if (claims.exp * 1000 < nowMs) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

export const newAnonymousVisitorId = () => `v:${randomBytes(16).toString('base64url')}`;
export const signedInVisitorId = (userId: string) => `u:${userId}`;
export const isAnonymousVisitor = (visitorId: string) => visitorId.startsWith('v:');

/**
 * The company's backend proves a user id with `hex(HMAC-SHA256(secret, userId))` (docs/channels.md),
 * so a logged-in customer's history follows them across devices and nobody can claim another's id.
 */
export function userSignatureIsValid(secret: string, userId: string, signatureHex: string): boolean {
  if (!/^[0-9a-f]{64}$/i.test(signatureHex)) return false;
  return constantTimeEqual(mac(secret, userId), Buffer.from(signatureHex, 'hex'));
}
