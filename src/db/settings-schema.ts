import { integer, jsonb, pgTable, serial, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.ts';
import { staffUsers } from './staff-schema.ts';

/**
 * The bot's settings as the console saves them (src/settings/): one document per section, every
 * save a new version, the highest version in force. Old versions stay, so a change can be read back
 * (the audit log names the versions it moved between). config/ files and the environment are the
 * defaults under them.
 */
export const botSettings = pgTable(
  'bot_settings',
  {
    id: serial('id').primaryKey(),
    /** Which part of the settings (src/settings/bot-settings-schema.ts names them). */
    section: text('section').notNull(),
    version: integer('version').notNull(),
    /** Checked by the section's zod schema before it is stored and again when it is read. */
    document: jsonb('document').$type<Record<string, unknown>>().notNull(),
    savedBy: integer('saved_by').references(() => staffUsers.id),
    /**
     * The version's secrets (the model's API key), sealed as channel accounts' are
     * (src/secrets/envelope.ts, src/settings/model-api-key.ts): never in `document`. Null: none.
     */
    keyId: text('key_id'),
    wrappedKey: text('wrapped_key'),
    sealedSecrets: text('sealed_secrets'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('bot_settings_section_version').on(t.section, t.version)],
);
