import { randomBytes } from 'node:crypto';
import type { CallbackCryptoKeys } from '../../../src/channels/shared/wxbiz-msg-crypt.ts';
import { sealWecomCallback } from '../../../src/simulator/wecom-callback.ts';
import type { HostileRequest, Maker } from './hostile-http.ts';

/**
 * Bad callbacks in WeCom's encrypted format (the WeCom app's and 微信客服's callback URLs share it):
 * broken envelopes, wrong keys, stale or missing signatures, entity bombs. What the ciphertext
 * holds is the signed fuzzer's business (signed-fuzz.ts); these must all be refused with a 4xx.
 */
export const BILLION_LAUGHS = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><xml><ToUserName>&lol9;</ToUserName><Encrypt>&lol9;</Encrypt></xml>`;
export const HUGE = Buffer.alloc(1024 * 1024, 'a');
const OTHER_AES_KEY = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';

/** Replaces 1–8 characters with random ones of the BMP's first 12 k. */
export function mutate(s: string): string {
  const chars = [...s];
  for (let n = 0; n < 1 + Math.floor(Math.random() * 8); n++)
    chars[Math.floor(Math.random() * chars.length)] = String.fromCharCode(Math.floor(Math.random() * 0x3000));
  return chars.join('');
}

export interface EncryptedCallbackTarget {
  keys: CallbackCryptoKeys;
  agentId: number | string;
  /** The router's name of the route, e.g. `POST /callbacks/wecom/:account`. */
  route: string;
  /** A configured account's path, and one that names no account. */
  path: string;
  unknownPath: string;
  /** A well-formed inner document the signature and crypto cases wrap. */
  validInner: () => string;
}

/** Thirteen kinds of bad encrypted callback for one route, taken in turn by a storm. */
export function encryptedCallbackMakers(target: EncryptedCallbackTarget): Maker[] {
  const { keys, agentId, validInner } = target;
  const seal = (inner = validInner(), k: CallbackCryptoKeys = keys, timestamp?: string) =>
    sealWecomCallback(k, Number(agentId), inner, timestamp);
  const post = (kind: string, query: string, body: Buffer | string, extra: Partial<HostileRequest> = {}): HostileRequest => ({
    route: target.route,
    kind,
    method: 'POST',
    url: `${extra.url ?? target.path}?${query}`,
    headers: { 'content-type': 'text/xml' },
    body,
    mustRefuse: true,
    ...extra,
  });
  return [
    () => post('random bytes', seal().query, randomBytes(64 + Math.floor(Math.random() * 2000))),
    () => {
      // Mutations outside the signed Encrypt field alone would leave a valid callback: always hit it too.
      const cb = seal();
      const at = cb.body.indexOf('<Encrypt><![CDATA[') + 18 + Math.floor(Math.random() * 40);
      const swapped = cb.body[at] === 'A' ? 'B' : 'A';
      return post('mutated body', cb.query, mutate(cb.body.slice(0, at) + swapped + cb.body.slice(at + 1)));
    },
    () => post('huge body (1 MiB, Content-Length)', seal().query, HUGE, { oversized: true }),
    () => post('huge body (1 MiB, chunked)', seal().query, HUGE, { oversized: true, chunked: true }),
    () => {
      const cb = seal(validInner(), { ...keys, token: 'not-our-token' });
      return post('signed with another token', cb.query, cb.body);
    },
    () => {
      // Signed with our token, encrypted with another key: the signature holds, decryption does not.
      const cb = seal(validInner(), { ...keys, encodingAesKey: OTHER_AES_KEY });
      return post('encrypted with another key', cb.query, cb.body);
    },
    () => {
      const cb = seal(validInner(), { ...keys, receiveId: 'wwforeigncorp000001' });
      return post('foreign receiveid', cb.query, cb.body);
    },
    () => post('entity expansion (outer)', seal().query, BILLION_LAUGHS),
    () => {
      const cb = seal(BILLION_LAUGHS);
      return post('entity expansion (inside the ciphertext)', cb.query, cb.body);
    },
    () => {
      const cb = seal(validInner(), keys, String(Math.floor(Date.now() / 1000) - 3600));
      return post('stale timestamp', cb.query, cb.body);
    },
    () => post('no signature', 'timestamp=1&nonce=2', seal().body),
    () => {
      const cb = seal(mutate('<xml><MsgType>text</MsgType></xml>'));
      return { ...post('valid crypto, garbage inside', cb.query, cb.body), mustRefuse: false };
    },
    () => {
      const cb = seal();
      return post('unknown account', cb.query, cb.body, { url: target.unknownPath });
    },
  ];
}
