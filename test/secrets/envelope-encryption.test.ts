import { randomBytes } from 'node:crypto';
import test from 'ava';
import { openSecrets, rewrapSecrets, sealSecrets } from '../../src/secrets/envelope.ts';
import { secretsKeyring } from '../../src/secrets/secrets-keyring.ts';

const OLD = randomBytes(32).toString('base64');
const NEW = randomBytes(32).toString('hex');
const secrets = { secret: 'app-secret-value', token: 'TokenValue123', encodingAesKey: 'k'.repeat(43) };

test('sealed secrets open with the key that sealed them, and hold none of their plaintext', (t) => {
  const keyring = secretsKeyring({ SECRETS_KEY: OLD })!;
  const sealed = sealSecrets(keyring, secrets, 'channel_account/wecom/sales');
  for (const value of Object.values(secrets)) t.false(JSON.stringify(sealed).includes(value));
  t.is(sealed.keyId, keyring.current.id);
  t.false(sealed.keyId.includes(OLD.slice(0, 8)));
  t.deepEqual(openSecrets(keyring, sealed, 'channel_account/wecom/sales'), secrets);
});

test('each seal uses a fresh data key: the same secrets seal differently', (t) => {
  const keyring = secretsKeyring({ SECRETS_KEY: OLD })!;
  const a = sealSecrets(keyring, secrets, 'c');
  const b = sealSecrets(keyring, secrets, 'c');
  t.not(a.wrappedKey, b.wrappedKey);
  t.not(a.ciphertext, b.ciphertext);
});

test('a ciphertext moved to another account, or changed by one bit, does not open', (t) => {
  const keyring = secretsKeyring({ SECRETS_KEY: OLD })!;
  const sealed = sealSecrets(keyring, secrets, 'channel_account/wecom/sales');
  t.throws(() => openSecrets(keyring, sealed, 'channel_account/wecom/support'));
  const raw = Buffer.from(sealed.ciphertext, 'base64');
  raw[raw.length - 1]! ^= 1;
  t.throws(() => openSecrets(keyring, { ...sealed, ciphertext: raw.toString('base64') }, 'channel_account/wecom/sales'));
});

test('rotation re-wraps the data key only: after it the new key alone opens the secrets', (t) => {
  const before = secretsKeyring({ SECRETS_KEY: OLD })!;
  const sealed = sealSecrets(before, secrets, 'ctx');
  const rotating = secretsKeyring({ SECRETS_KEY: NEW, SECRETS_KEY_PREVIOUS: OLD })!;
  t.deepEqual(openSecrets(rotating, sealed, 'ctx'), secrets, 'the previous key still opens during the rotation');
  const rewrapped = rewrapSecrets(rotating, sealed, 'ctx');
  t.is(rewrapped.ciphertext, sealed.ciphertext);
  t.is(rewrapped.keyId, rotating.current.id);
  t.not(rewrapped.keyId, sealed.keyId);
  const after = secretsKeyring({ SECRETS_KEY: NEW })!;
  t.deepEqual(openSecrets(after, rewrapped, 'ctx'), secrets);
  const error = t.throws(() => openSecrets(after, sealed, 'ctx'));
  t.regex(error.message, /sealed with key [0-9a-f]{16}, which is neither SECRETS_KEY .* nor SECRETS_KEY_PREVIOUS/);
  t.is(rewrapSecrets(after, rewrapped, 'ctx'), rewrapped, 'a row already under the key is left as it is');
});

test('a key that is not 32 bytes, or a previous key without a new one, is refused in one line naming the variable', (t) => {
  t.regex(t.throws(() => secretsKeyring({ SECRETS_KEY: 'too-short' }))!.message, /^SECRETS_KEY: must be 32 random bytes/);
  t.regex(t.throws(() => secretsKeyring({ SECRETS_KEY: OLD, SECRETS_KEY_PREVIOUS: 'abc' }))!.message, /^SECRETS_KEY_PREVIOUS: /);
  t.regex(t.throws(() => secretsKeyring({ SECRETS_KEY_PREVIOUS: OLD }))!.message, /^SECRETS_KEY_PREVIOUS is set without SECRETS_KEY/);
  t.is(secretsKeyring({}), undefined);
});
