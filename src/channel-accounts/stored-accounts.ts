import { and, eq } from 'drizzle-orm';
import type { AuditContext } from '../audit/audit-log.ts';
import { recordAudit } from '../audit/audit-log.ts';
import type { Database } from '../db/connect.ts';
import { storedChannelAccounts } from '../db/schema.ts';
import type { Executor } from '../db/transaction.ts';
import { ConfigError, RejectedRequestError } from '../errors.ts';
import { openSecrets, rewrapSecrets, sealSecrets } from '../secrets/envelope.ts';
import type { SecretsKeyring } from '../secrets/secrets-keyring.ts';
import { type ChannelKey, channelConfigOf } from './channel-keys.ts';
import { generateCredential } from './generate-credentials.ts';

/** A console-added account as its channel reads it: settings and secrets together. */
export interface StoredAccount {
  channel: ChannelKey;
  name: string;
  account: Record<string, unknown>;
}

/** Binds a row's ciphertext to its channel and name: copied to another row, it does not open. */
const sealContext = (channel: string, name: string) => `channel_account/${channel}/${name}`;

function requireKeyring(keyring: SecretsKeyring | undefined): SecretsKeyring {
  if (!keyring)
    throw new RejectedRequestError(
      'secrets_key_missing',
      'accounts added in the console need SECRETS_KEY (32 random bytes: `openssl rand -base64 32`) to encrypt their secrets',
      409,
    );
  return keyring;
}

function splitSecrets(channel: ChannelKey, account: Record<string, unknown>) {
  const { secretFields } = channelConfigOf(channel).admin;
  const settings: Record<string, unknown> = {};
  const secrets: Record<string, string> = {};
  for (const [field, value] of Object.entries(account)) {
    if (secretFields.includes(field)) secrets[field] = String(value);
    else settings[field] = value;
  }
  return { settings, secrets };
}

/**
 * Adds an account as its channel's CONFIG_FILE entry would (same schema), its secrets sealed, in
 * one transaction with its audit entry, which names the account and never a secret. `takenNames`
 * are the channel's accounts from the environment and CONFIG_FILE: a name is one account.
 */
export async function addChannelAccount(
  db: Database,
  keyring: SecretsKeyring | undefined,
  input: { channel: ChannelKey; account: Record<string, unknown>; takenNames: readonly string[] },
  audit: AuditContext,
): Promise<StoredAccount> {
  const sealing = requireKeyring(keyring);
  const parsed = channelConfigOf(input.channel).account.safeParse(input.account);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RejectedRequestError('invalid_account', `${issue.path.join('.') || 'account'}: ${issue.message}`, 400);
  }
  const account = parsed.data as Record<string, unknown> & { name: string };
  if (input.takenNames.includes(account.name))
    throw new RejectedRequestError(
      'account_taken',
      `${input.channel} account "${account.name}" is configured in the environment or CONFIG_FILE`,
      409,
    );
  const { settings, secrets } = splitSecrets(input.channel, account);
  const sealed = sealSecrets(sealing, secrets, sealContext(input.channel, account.name));
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(storedChannelAccounts)
      .values({ channel: input.channel, name: account.name, settings, ...sealedColumns(sealed) })
      .onConflictDoNothing()
      .returning({ id: storedChannelAccounts.id });
    if (!row) throw new RejectedRequestError('account_taken', `${input.channel} account "${account.name}" already exists`, 409);
    await recordAudit(tx, audit, {
      action: 'channel_account.create',
      objectType: 'channel_account',
      objectId: row.id,
      details: { channel: input.channel, name: account.name, settings: Object.keys(settings), secrets: Object.keys(secrets) },
    });
    return { channel: input.channel, name: account.name, account };
  });
}

const sealedColumns = (s: { keyId: string; wrappedKey: string; ciphertext: string }) => ({
  keyId: s.keyId,
  wrappedKey: s.wrappedKey,
  sealedSecrets: s.ciphertext,
});
const sealedOf = (row: typeof storedChannelAccounts.$inferSelect) => ({
  keyId: row.keyId,
  wrappedKey: row.wrappedKey,
  ciphertext: row.sealedSecrets,
});

/**
 * Every console-added account, opened. Without SECRETS_KEY there is nothing to open them with:
 * a one-line error naming the variable, so a process never starts without accounts it was given.
 */
export async function readStoredAccounts(db: Executor, keyring: SecretsKeyring | undefined): Promise<StoredAccount[]> {
  const rows = await db.select().from(storedChannelAccounts).orderBy(storedChannelAccounts.id);
  if (rows.length === 0) return [];
  if (!keyring)
    throw new ConfigError(
      `SECRETS_KEY: required, ${rows.length} channel account(s) added in the console have encrypted secrets; set the key they were sealed with`,
    );
  return rows.map((row) => ({
    channel: row.channel as ChannelKey,
    name: row.name,
    account: { ...row.settings, ...openSecrets(keyring, sealedOf(row), sealContext(row.channel, row.name)), name: row.name },
  }));
}

/**
 * New values for the fields the operator pastes into the platform (Token and EncodingAESKey, or
 * the widget's secret), sealed in place of the old ones. The answer is the only time they are
 * shown; afterwards they are masked.
 */
export async function generateAccountKeys(
  db: Database,
  keyring: SecretsKeyring | undefined,
  target: { channel: ChannelKey; name: string },
  audit: AuditContext,
): Promise<Record<string, string>> {
  const sealing = requireKeyring(keyring);
  const { generatedFields } = channelConfigOf(target.channel).admin;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(storedChannelAccounts)
      .where(and(eq(storedChannelAccounts.channel, target.channel), eq(storedChannelAccounts.name, target.name)))
      .for('update');
    if (!row)
      throw new RejectedRequestError(
        'not_found',
        `there is no ${target.channel} account "${target.name}" added in the console (environment and CONFIG_FILE accounts are changed there)`,
        404,
      );
    const context = sealContext(row.channel, row.name);
    const generated = Object.fromEntries(generatedFields.map((f) => [f, generateCredential(f)]));
    const secrets = { ...openSecrets(sealing, sealedOf(row), context), ...generated };
    await tx
      .update(storedChannelAccounts)
      .set({ ...sealedColumns(sealSecrets(sealing, secrets, context)), updatedAt: new Date() })
      .where(eq(storedChannelAccounts.id, row.id));
    await recordAudit(tx, audit, {
      action: 'channel_account.generate_keys',
      objectType: 'channel_account',
      objectId: row.id,
      details: { channel: row.channel, name: row.name, fields: generatedFields },
    });
    return generated;
  });
}

/**
 * Re-wraps every row's data key with SECRETS_KEY (opening it with SECRETS_KEY_PREVIOUS where that
 * sealed it): the rotation `npm run secrets -- rotate` runs. Each row in its own statement, so a
 * rotation cut short is simply run again. Answers how many rows changed and how many were current.
 */
export async function rotateSecretsKey(db: Database, keyring: SecretsKeyring): Promise<{ rewrapped: number; current: number }> {
  const rows = await db.select().from(storedChannelAccounts).orderBy(storedChannelAccounts.id);
  let rewrapped = 0;
  for (const row of rows) {
    if (row.keyId === keyring.current.id) continue;
    const sealed = rewrapSecrets(keyring, sealedOf(row), sealContext(row.channel, row.name));
    await db
      .update(storedChannelAccounts)
      .set({ keyId: sealed.keyId, wrappedKey: sealed.wrappedKey, updatedAt: new Date() })
      .where(and(eq(storedChannelAccounts.id, row.id), eq(storedChannelAccounts.keyId, row.keyId)));
    rewrapped++;
  }
  return { rewrapped, current: rows.length - rewrapped };
}
