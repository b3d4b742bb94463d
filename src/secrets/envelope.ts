import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConfigError } from '../errors.ts';
import type { KeyEncryptionKey, SecretsKeyring } from './secrets-keyring.ts';

/**
 * Envelope encryption of one row's secrets: a fresh 256-bit data key seals them (AES-256-GCM), and
 * the key-encryption key from the environment seals that data key. Rotating SECRETS_KEY re-wraps
 * the small data keys only; the secrets' ciphertext is left as it is. Both layers bind `context`
 * (e.g. `wecom/sales`) as additional authenticated data, so a row's ciphertext copied onto another
 * row does not open there. Node's GCM: https://nodejs.org/api/crypto.html#cryptocreatecipherivalgorithm-key-iv-options
 */
export interface SealedSecrets {
  /** Fingerprint of the key-encryption key that wrapped `wrappedKey`. */
  keyId: string;
  /** The data key, sealed by the key-encryption key: base64 of iv (12) ‖ tag (16) ‖ ciphertext. */
  wrappedKey: string;
  /** The secrets (JSON), sealed by the data key, in the same layout. */
  ciphertext: string;
}

const IV_BYTES = 12; // the GCM nonce size NIST SP 800-38D recommends
const TAG_BYTES = 16;

function seal(key: Buffer, plaintext: Buffer, aad: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64');
}

function open(key: Buffer, sealed: string, aad: string): Buffer {
  const raw = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
}

const dataKeyContext = (context: string) => `data-key:${context}`;

function keyOf(keyring: SecretsKeyring, sealed: SealedSecrets, context: string): KeyEncryptionKey {
  const key = [keyring.current, keyring.previous].find((k) => k?.id === sealed.keyId);
  if (!key)
    throw new ConfigError(
      `the secrets of ${context} were sealed with key ${sealed.keyId}, which is neither SECRETS_KEY (${keyring.current.id}) nor SECRETS_KEY_PREVIOUS`,
    );
  return key;
}

export function sealSecrets(keyring: SecretsKeyring, secrets: Record<string, string>, context: string): SealedSecrets {
  const dataKey = randomBytes(32);
  return {
    keyId: keyring.current.id,
    wrappedKey: seal(keyring.current.bytes, dataKey, dataKeyContext(context)),
    ciphertext: seal(dataKey, Buffer.from(JSON.stringify(secrets)), context),
  };
}

/** The secrets; throws when no key of the ring wrapped them or either layer was tampered with. */
export function openSecrets(keyring: SecretsKeyring, sealed: SealedSecrets, context: string): Record<string, string> {
  const dataKey = open(keyOf(keyring, sealed, context).bytes, sealed.wrappedKey, dataKeyContext(context));
  return JSON.parse(open(dataKey, sealed.ciphertext, context).toString('utf8')) as Record<string, string>;
}

/** The same secrets with their data key wrapped by SECRETS_KEY; unchanged when it already was. */
export function rewrapSecrets(keyring: SecretsKeyring, sealed: SealedSecrets, context: string): SealedSecrets {
  if (sealed.keyId === keyring.current.id) return sealed;
  const dataKey = open(keyOf(keyring, sealed, context).bytes, sealed.wrappedKey, dataKeyContext(context));
  return { ...sealed, keyId: keyring.current.id, wrappedKey: seal(keyring.current.bytes, dataKey, dataKeyContext(context)) };
}
