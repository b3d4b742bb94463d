import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../lib/constant-time-equal.ts';

/**
 * The company's backend proves a signed-in customer's user id with an expiring signature:
 * `signature = hex(HMAC-SHA256(K_user, "<exp>.<userId>"))`, K_user derived from the widget secret
 * (widget-keys.ts, docs/channels.md). `exp` is an integer of seconds and comes first, so the dot
 * after it is the first one and no other (exp, userId) pair encodes to the same bytes.
 */
export interface SignedUserId {
  userId: string;
  exp: number;
  signature: string;
}

/**
 * How far ahead a signature may expire. The company signs when it renders the page; a day covers
 * any page left open, while a signature copied out of a page (it is visible to the customer and to
 * whatever scripts the page runs) stops working within a day instead of whenever the company chose.
 */
export const MAX_USER_SIGNATURE_AHEAD_SECONDS = 24 * 3600;

export const userSignatureInput = (userId: string, exp: number) => `${exp}.${userId}`;

export type UserSignatureCheck = 'ok' | 'bad_signature' | 'expired' | 'too_far_ahead';

export function checkUserSignature(key: Uint8Array, signed: SignedUserId, nowMs = Date.now()): UserSignatureCheck {
  if (!/^[0-9a-f]{64}$/i.test(signed.signature)) return 'bad_signature';
  const expected = createHmac('sha256', key).update(userSignatureInput(signed.userId, signed.exp)).digest();
  if (!constantTimeEqual(Buffer.from(signed.signature, 'hex'), expected)) return 'bad_signature';
  const now = Math.floor(nowMs / 1000);
  if (signed.exp < now) return 'expired';
  if (signed.exp > now + MAX_USER_SIGNATURE_AHEAD_SECONDS) return 'too_far_ahead';
  return 'ok';
}
