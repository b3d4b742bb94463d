import { decrypt, encrypt, getSignature } from '@wecom/crypto';
import { RejectedRequestError } from '../../errors.ts';
import { constantTimeEqual } from '../../lib/constant-time-equal.ts';

/**
 * The callback crypto shared by WeCom apps, WeCom Customer Service and Official Accounts in safe
 * or compatible mode (WXBizMsgCrypt), per WeCom 加解密方案说明
 * https://developer.work.weixin.qq.com/document/path/90968 :
 * - msg_signature = sha1 of the sorted [token, timestamp, nonce, Encrypt], joined;
 * - AES-256-CBC, key = base64(EncodingAESKey + "="), IV = first 16 bytes of the key, PKCS#7 to 32 bytes;
 * - plaintext = 16 random bytes + 4-byte big-endian length + message + receiveid, where receiveid is
 *   the corpid (WeCom) or the appid (Official Account) and must be checked.
 * @wecom/crypto implements the primitives; this file adds the checks a server must make.
 */

export interface CallbackCryptoKeys {
  token: string;
  encodingAesKey: string;
  /** corpid for WeCom, appid for an Official Account, empty for a WeCom AI bot (doc 101033). */
  receiveId: string;
}

export interface SignedQuery {
  msgSignature: string;
  timestamp: string;
  nonce: string;
}

export function verifySignature(keys: CallbackCryptoKeys, query: SignedQuery, encrypted: string): void {
  const expected = getSignature(keys.token, query.timestamp, query.nonce, encrypted);
  if (!constantTimeEqual(expected, query.msgSignature.toLowerCase())) {
    throw new RejectedRequestError('bad_signature', 'msg_signature does not match', 401);
  }
}

/**
 * Refuses a callback whose timestamp is outside the replay window. The platform signs the
 * timestamp, so a captured request cannot be replayed with a fresh one.
 */
export function checkReplayWindow(timestamp: string, windowSeconds: number, nowMs: number = Date.now()): void {
  const ts = Number(timestamp);
  if (!Number.isInteger(ts)) throw new RejectedRequestError('bad_timestamp', 'timestamp is not a number', 400);
  if (Math.abs(nowMs / 1000 - ts) > windowSeconds) {
    throw new RejectedRequestError('stale_timestamp', `timestamp is outside the ${windowSeconds}s replay window`, 403);
  }
}

const PLAUSIBLE_RECEIVE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Decrypts a verified Encrypt field and checks that it was meant for us. */
export function decryptForReceiver(keys: CallbackCryptoKeys, encrypted: string): string {
  const undecryptable = () => new RejectedRequestError('undecryptable', 'Encrypt does not decrypt with the configured EncodingAESKey', 400);
  let opened: { message: string; id: string };
  try {
    opened = decrypt(keys.encodingAesKey, encrypted);
  } catch {
    throw undecryptable();
  }
  // @wecom/crypto does not check the padding or the length field, so ciphertext under another key
  // "decrypts" to noise. A real receiveid (corpid, appid) is a short ASCII id; noise is not. An AI
  // bot's is empty (https://developer.work.weixin.qq.com/document/path/101033): noise is not that either.
  const plausible = keys.receiveId === '' ? opened.id === '' : PLAUSIBLE_RECEIVE_ID.test(opened.id);
  if (!plausible) throw undecryptable();
  if (opened.id !== keys.receiveId) {
    throw new RejectedRequestError('foreign_receiver', 'the message was encrypted for another receiveid', 403);
  }
  return opened.message;
}

/** Encrypts and signs a message as the platform would: used by the simulator and tests. */
export function sealForReceiver(keys: CallbackCryptoKeys, message: string, timestamp: string, nonce: string) {
  const encrypted = encrypt(keys.encodingAesKey, message, keys.receiveId);
  return { encrypted, msgSignature: getSignature(keys.token, timestamp, nonce, encrypted) };
}
