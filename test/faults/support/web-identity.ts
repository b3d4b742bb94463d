import { signSessionToken, SESSION_TOKEN_TYPE } from '../../../src/channels/web/session-token.ts';
import { deriveWidgetKeys } from '../../../src/channels/web/widget-keys.ts';
import { nextClientAddress, signUserId } from '../../support/web-visitor.ts';

/**
 * The widget's identity protocol (docs/channels.md) as the hostile scenario plays it: the company's
 * side (signing a user id), and a forger's (turning one credential into another). Kept apart from
 * the makers, so the storm does not change when the protocol does.
 */
export interface WebAccountKeys {
  /** Widget account name (a session's audience) and its secret. */
  name: string;
  secret: string;
}

/** The body of POST session for a signed-in user, as the company's backend makes it. */
export function companySignsUser(account: WebAccountKeys, userId: string): Record<string, unknown> {
  return signUserId(account.secret, userId);
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/**
 * A user signature made into a session token: the forger chooses a user id that reads as a
 * session's signing input, has the company sign it, and presents the pair as a token for `victim`.
 */
export function sessionTokenFromUserSignature(account: WebAccountKeys, victimVisitorId: string): string {
  const now = Math.floor(Date.now() / 1000);
  const signingInput = `${b64({ alg: 'HS256', typ: SESSION_TOKEN_TYPE })}.${b64({ aud: account.name, sub: victimVisitorId, iat: now, exp: now + 3600 })}`;
  const { signature } = signUserId(account.secret, signingInput);
  return `${signingInput}.${Buffer.from(signature, 'hex').toString('base64url')}`;
}

/** A session token made into a user signature: its payload as the user id, its MAC as the signature. */
export function userSignatureFromSessionToken(token: string): Record<string, unknown> {
  const [, payload, mac] = token.split('.') as [string, string, string];
  const { exp } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { exp: number };
  return { userId: payload, exp, signature: Buffer.from(mac, 'base64url').toString('hex') };
}

/** A token that says it needs no signature. */
export function algNoneToken(account: WebAccountKeys, visitorId: string): string {
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: 'none', typ: SESSION_TOKEN_TYPE })}.${b64({ aud: account.name, sub: visitorId, iat: now, exp: now + 3600 })}.`;
}

/**
 * A genuine token of `visitorId` that expired `agoSeconds` ago (a stolen old one). POST session
 * renews a token expired within the renewal window, by design: the renewal route gets one older.
 */
export async function expiredToken(account: WebAccountKeys, visitorId: string, agoSeconds = 3600): Promise<string> {
  const ttl = 600;
  const { token } = await signSessionToken(
    deriveWidgetKeys(account.secret).session,
    account.name,
    visitorId,
    ttl,
    Date.now() - (agoSeconds + ttl) * 1000,
  );
  return token;
}

/** What a browser puts in the URL of an EventSource or a download link for this session: a ticket. */
export async function urlCredential(base: string, publicId: string, token: string, use: { fileId?: string }): Promise<string> {
  const res = await fetch(`${base}/api/web/${publicId}/tickets`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'x-forwarded-for': nextClientAddress() },
    body: JSON.stringify(use.fileId ? { purpose: 'download', fileId: use.fileId } : { purpose: 'stream' }),
  });
  if (!res.ok) throw new Error(`tickets: ${res.status} ${await res.text()}`);
  return `ticket=${encodeURIComponent(((await res.json()) as { ticket: string }).ticket)}`;
}
