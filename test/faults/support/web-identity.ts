import { signSessionToken } from '../../../src/channels/web/session-token.ts';
import { signUserId } from '../../support/web-visitor.ts';

/**
 * The widget's identity protocol as the hostile scenario plays it: the company's side (signing a
 * user id), and a forger's (turning one credential into another). Kept apart from the makers so
 * the storm does not change when the protocol does (docs/channels.md).
 */
export interface WebAccountKeys {
  /** Widget account name (a session's audience) and its secret. */
  name: string;
  secret: string;
}

/** The body of POST session for a signed-in user, as the company's backend makes it. */
export function companySignsUser(account: WebAccountKeys, userId: string): Record<string, unknown> {
  return { userId, signature: signUserId(account.secret, userId) };
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/**
 * A user signature made into a session token: the forger chooses a user id that reads as a
 * session's signed part, has the company sign it, and presents the pair as a token for `victim`.
 */
export function sessionTokenFromUserSignature(account: WebAccountKeys, victimVisitorId: string): string {
  const signingInput = b64({ acc: account.name, sub: victimVisitorId, exp: Math.floor(Date.now() / 1000) + 3600 });
  const { signature } = companySignsUser(account, signingInput) as { signature: string };
  return `${signingInput}.${Buffer.from(signature, 'hex').toString('base64url')}`;
}

/** A session token made into a user signature: its signed part as the user id, its MAC as the signature. */
export function userSignatureFromSessionToken(token: string): Record<string, unknown> {
  const dot = token.lastIndexOf('.');
  return { userId: token.slice(0, dot), signature: Buffer.from(token.slice(dot + 1), 'base64url').toString('hex') };
}

/** A token that says it needs no signature. */
export function algNoneToken(account: WebAccountKeys, visitorId: string): string {
  const exp = Math.floor(Date.now() / 1000) + 3600;
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ acc: account.name, aud: account.name, sub: visitorId, exp })}.`;
}

/** A genuine token of `visitorId` that expired an hour ago (a stolen old one). */
export async function expiredToken(account: WebAccountKeys, visitorId: string): Promise<string> {
  return signSessionToken(account.secret, { acc: account.name, sub: visitorId, exp: Math.floor(Date.now() / 1000) - 3600 });
}

/** What a browser puts in the URL of an EventSource or a download link for this session. */
export async function urlCredential(_base: string, _publicId: string, token: string, _use: { fileId?: string }): Promise<string> {
  return `token=${encodeURIComponent(token)}`;
}
