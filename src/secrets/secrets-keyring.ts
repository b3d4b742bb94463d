import { createHash } from 'node:crypto';
import { ConfigError } from '../errors.ts';

/** A key-encryption key: 32 bytes, named by a fingerprint so a sealed row says which key wrapped it. */
export interface KeyEncryptionKey {
  id: string;
  bytes: Buffer;
}

/**
 * The keys that wrap the data keys of stored secrets: SECRETS_KEY seals, and opens along with
 * SECRETS_KEY_PREVIOUS while a rotation is under way (docs/security.md, "Rotating SECRETS_KEY").
 */
export interface SecretsKeyring {
  current: KeyEncryptionKey;
  previous?: KeyEncryptionKey;
}

/** The fingerprint is a hash of the key, never the key: it is stored beside every sealed row. */
function fingerprint(bytes: Buffer): string {
  return createHash('sha256').update('kefu-hub secrets key\0').update(bytes).digest('hex').slice(0, 16);
}

/** 32 bytes as `openssl rand -base64 32` (or -hex 32) prints them. */
function parseKey(variable: string, value: string): KeyEncryptionKey {
  const bytes = /^[0-9a-f]{64}$/i.test(value) ? Buffer.from(value, 'hex') : Buffer.from(value, 'base64');
  if (bytes.length !== 32)
    throw new ConfigError(`${variable}: must be 32 random bytes in base64 or hex; make one with \`openssl rand -base64 32\``);
  return { id: fingerprint(bytes), bytes };
}

export function secretsKeyring(env: {
  SECRETS_KEY?: string | undefined;
  SECRETS_KEY_PREVIOUS?: string | undefined;
}): SecretsKeyring | undefined {
  if (env.SECRETS_KEY === undefined) {
    if (env.SECRETS_KEY_PREVIOUS !== undefined)
      throw new ConfigError('SECRETS_KEY_PREVIOUS is set without SECRETS_KEY: set the new key too');
    return undefined;
  }
  const current = parseKey('SECRETS_KEY', env.SECRETS_KEY);
  if (env.SECRETS_KEY_PREVIOUS === undefined) return { current };
  return { current, previous: parseKey('SECRETS_KEY_PREVIOUS', env.SECRETS_KEY_PREVIOUS) };
}
