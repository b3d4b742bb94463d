import { jsonb, pgTable, serial, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from './columns.ts';

/**
 * Channel accounts added in the console, beside those of the environment and CONFIG_FILE. What is
 * not secret (corp id, agent id, origins, widget colours) is plain JSON; the secrets (app secret,
 * Token, EncodingAESKey) are one envelope-encrypted blob (src/secrets/envelope.ts) whose data key
 * is wrapped by SECRETS_KEY, fingerprinted in `key_id` so a rotation knows which rows to re-wrap.
 */
export const storedChannelAccounts = pgTable(
  'stored_channel_accounts',
  {
    id: serial('id').primaryKey(),
    /** The channel's CONFIG_FILE key: wecom | wechatMp | wecomKf | web. */
    channel: text('channel').notNull(),
    name: text('name').notNull(),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    keyId: text('key_id').notNull(),
    wrappedKey: text('wrapped_key').notNull(),
    sealedSecrets: text('sealed_secrets').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('stored_channel_accounts_channel_name').on(t.channel, t.name)],
);
