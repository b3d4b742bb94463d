import { and, eq, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import type { Database } from '../db/connect.ts';
import { botSettings } from '../db/schema.ts';
import type { Executor } from '../db/transaction.ts';
import { ConfigError, RejectedRequestError } from '../errors.ts';
import { openSecrets, rewrapSecrets, type SealedSecrets, sealSecrets } from '../secrets/envelope.ts';
import type { SecretsKeyring } from '../secrets/secrets-keyring.ts';

/**
 * The model's API key at rest: sealed with the channel accounts' envelope encryption
 * (src/secrets/envelope.ts, SECRETS_KEY), in the saved version's own columns, never in its
 * document. The sealed key is bound to its row (`bot_settings/<section>/<version>`): copied onto
 * another version, it does not open.
 */
const sealContext = (section: string, version: number) => `bot_settings/${section}/${version}`;

type SettingsRow = typeof botSettings.$inferSelect;

/** The sealed columns of a saved version whose document has an `apiKey`, and the document without it. */
export function sealApiKeyOf(
  keyring: SecretsKeyring | undefined,
  row: { section: string; version: number; document: Record<string, unknown> },
): { document: Record<string, unknown>; keyId: string | null; wrappedKey: string | null; sealedSecrets: string | null } {
  const { apiKey, ...document } = row.document;
  if (typeof apiKey !== 'string') return { document, keyId: null, wrappedKey: null, sealedSecrets: null };
  if (!keyring)
    throw new RejectedRequestError(
      'secrets_key_missing',
      'a model API key saved in the console needs SECRETS_KEY (32 random bytes: `openssl rand -base64 32`) to encrypt it',
      409,
    );
  const sealed = sealSecrets(keyring, { apiKey }, sealContext(row.section, row.version));
  return { document, keyId: sealed.keyId, wrappedKey: sealed.wrappedKey, sealedSecrets: sealed.ciphertext };
}

function sealedOf(row: SettingsRow): SealedSecrets | undefined {
  if (row.keyId === null || row.wrappedKey === null || row.sealedSecrets === null) return undefined;
  return { keyId: row.keyId, wrappedKey: row.wrappedKey, ciphertext: row.sealedSecrets };
}

/**
 * A saved version's document with its API key opened. A key still in plain text in the document
 * (saved before keys were sealed, and not sealed yet: see sealPlainApiKeys) is read as it is.
 */
export function documentWithApiKey(row: SettingsRow, keyring: SecretsKeyring | undefined): Record<string, unknown> {
  const sealed = sealedOf(row);
  if (!sealed) return row.document;
  if (!keyring)
    throw new ConfigError(`the model API key of ${row.section} settings version ${row.version} is sealed, and SECRETS_KEY is not set`);
  return { ...row.document, ...openSecrets(keyring, sealed, sealContext(row.section, row.version)) };
}

const plainKey = and(isNull(botSettings.keyId), sql`${botSettings.document} ? 'apiKey'`);

/** Whether a key saved before keys were sealed is still in plain text. */
export async function hasPlainApiKeys(db: Executor): Promise<boolean> {
  return (await db.select({ id: botSettings.id }).from(botSettings).where(plainKey).limit(1)).length > 0;
}

/**
 * Seals the keys saved in plain text before keys were sealed (every version, old ones too), one
 * row per statement, each only if it is still plain. A SQL migration cannot do it: SECRETS_KEY
 * lives only in the processes' environment. So every process that has the key runs this at start,
 * and so does `npm run secrets -- rotate`; until then a plain key is still read as before.
 */
export async function sealPlainApiKeys(db: Executor, keyring: SecretsKeyring): Promise<number> {
  const plain = await db.select().from(botSettings).where(plainKey);
  for (const row of plain)
    await db
      .update(botSettings)
      .set(sealApiKeyOf(keyring, row))
      .where(and(eq(botSettings.id, row.id), isNull(botSettings.keyId)));
  return plain.length;
}

/** Re-wraps the data key of every sealed model key with SECRETS_KEY (the rotation), after sealing the plain ones. */
export async function rotateApiKeys(db: Database, keyring: SecretsKeyring): Promise<{ sealed: number; rewrapped: number }> {
  const sealed = await sealPlainApiKeys(db, keyring);
  const rows = await db
    .select()
    .from(botSettings)
    .where(and(isNotNull(botSettings.keyId), ne(botSettings.keyId, keyring.current.id)));
  for (const row of rows) {
    const rewrapped = rewrapSecrets(keyring, sealedOf(row)!, sealContext(row.section, row.version));
    await db
      .update(botSettings)
      .set({ keyId: rewrapped.keyId, wrappedKey: rewrapped.wrappedKey })
      .where(and(eq(botSettings.id, row.id), eq(botSettings.keyId, row.keyId!)));
  }
  return { sealed, rewrapped: rows.length };
}
