import { createCipheriv } from 'node:crypto';

/**
 * Encrypts a file as WeCom does for an AI bot (the inverse of @wecom/aibot-node-sdk's decryptFile):
 * AES-256-CBC, key = base64 of `aeskey` (a message's aeskey, or the bot's 43-character
 * EncodingAESKey), IV = the key's first 16 bytes, PKCS#7 padded to 32 bytes.
 */
export function encryptAibotFile(bytes: Buffer, aeskey: string): Buffer {
  const key = Buffer.from(aeskey, 'base64');
  const pad = 32 - (bytes.length % 32);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(Buffer.concat([bytes, Buffer.alloc(pad, pad)])), cipher.final()]);
}
