import { randomBytes, randomInt } from 'node:crypto';

const LETTERS_AND_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomLettersAndDigits(length: number): string {
  return Array.from({ length }, () => LETTERS_AND_DIGITS[randomInt(LETTERS_AND_DIGITS.length)]).join('');
}

/**
 * Values an operator pastes into the platform's callback page. Both platforms take a Token of
 * letters and digits up to 32 long, and an EncodingAESKey of exactly 43 letters and digits
 * (回调配置 https://developer.work.weixin.qq.com/document/path/90930 ; the 43 characters plus "="
 * are the base64 of the 32-byte AES key). The widget's secret signs its sessions (>= 32 chars).
 */
export function generateCredential(field: 'token' | 'encodingAesKey' | 'secret'): string {
  if (field === 'token') return randomLettersAndDigits(32);
  if (field === 'encodingAesKey') return randomLettersAndDigits(43);
  return randomBytes(32).toString('base64url');
}

/** `••••` and the last four characters: enough to tell two values apart, not to use one. */
export function maskSecret(value: string): string {
  return `••••${value.slice(-4)}`;
}
