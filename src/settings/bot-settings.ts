import { desc, eq } from 'drizzle-orm';
import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import type { CompanyHandoffRules } from '../brain/handoff/company-handoff-rules.ts';
import type { Persona } from '../brain/model/persona.ts';
import type { CompanyVocabulary } from '../brain/retrieval/company-vocabulary.ts';
import type { CompanySmallTalk } from '../brain/smalltalk/company-small-talk.ts';
import type { Database } from '../db/connect.ts';
import { refusedValueCode } from '../db/refused-value.ts';
import { botSettings } from '../db/schema.ts';
import type { Executor } from '../db/transaction.ts';
import { RejectedRequestError } from '../errors.ts';
import type { SecretsKeyring } from '../secrets/secrets-keyring.ts';
import {
  type BotSettingsDocuments,
  type ModelSettingsDocument,
  redactApiKey,
  type SettingsSection,
  settingsSections,
} from './bot-settings-schema.ts';
import type { BusinessHours, HoldNoticeSettings } from './handover-settings-schema.ts';
import { documentWithApiKey, sealApiKeyOf } from './model-api-key.ts';

/** SQLSTATE 23505 (https://www.postgresql.org/docs/current/errcodes-appendix.html): another save took this version. */
const UNIQUE_VIOLATION = '23505';

/** What applies where nothing was saved: the config/ files and the environment. */
export interface SettingsDefaults {
  persona: Persona;
  model: ModelSettingsDocument;
  /** handoff.json's rules as a company's (segments: none). */
  handoff: CompanyHandoffRules;
  hours: BusinessHours;
  /** HOLD_NOTICE_TEXT and HOLD_NOTICE_INTERVAL_MS. */
  holdNotice: HoldNoticeSettings;
  /** None of the company's own: config/brain's lexicon and smalltalk.json alone. */
  vocabulary: CompanyVocabulary;
  smalltalk: CompanySmallTalk;
}

/** What reading and saving need besides the database: the defaults under the saved settings, and the key that seals the API key. */
export interface StoredSettings {
  defaults: SettingsDefaults;
  /** SECRETS_KEY (and SECRETS_KEY_PREVIOUS): seals a saved API key, and opens it (src/settings/model-api-key.ts). */
  keyring?: SecretsKeyring;
}

/** What the console needs besides the database: the stored settings, and the feed that tells every process. */
export interface SettingsAccess extends StoredSettings {
  /** LLM_API_KEY: the key used while none is saved. */
  environmentApiKey?: string;
  announce(section: SettingsSection): Promise<void>;
}

/** One section as it is in force: version 0 is the defaults, nothing saved yet. */
export interface SectionInForce<S extends SettingsSection> {
  version: number;
  document: BotSettingsDocuments[S];
  savedAt: Date | null;
  savedBy: number | null;
}

function fromDefaults<S extends SettingsSection>(section: S, defaults: SettingsDefaults): BotSettingsDocuments[S] {
  return settingsSections[section].parse(defaults[section]) as BotSettingsDocuments[S];
}

/** The newest saved version of a section, or the defaults. */
export async function readSettingsSection<S extends SettingsSection>(
  db: Executor,
  section: S,
  stored: StoredSettings,
): Promise<SectionInForce<S>> {
  const [row] = await db.select().from(botSettings).where(eq(botSettings.section, section)).orderBy(desc(botSettings.version)).limit(1);
  if (!row) return { version: 0, document: fromDefaults(section, stored.defaults), savedAt: null, savedBy: null };
  // Parsed again on the way out: a document saved under an older schema gets today's defaults.
  return {
    version: row.version,
    document: settingsSections[section].parse(documentWithApiKey(row, stored.keyring)) as BotSettingsDocuments[S],
    savedAt: row.createdAt,
    savedBy: row.savedBy,
  };
}

/** Every section in force, as a running process holds them. */
export async function readBotSettings(db: Database, stored: StoredSettings): Promise<BotSettingsDocuments> {
  const sections = Object.keys(settingsSections) as SettingsSection[];
  const read = await Promise.all(sections.map(async (section) => [section, (await readSettingsSection(db, section, stored)).document]));
  return Object.fromEntries(read) as BotSettingsDocuments;
}

/**
 * Saves a section as its next version with the audit entry (before and after) in one transaction.
 * `baseVersion` is the version the editor started from: a save over someone else's newer one is a
 * 409, not a silent overwrite. The unique (section, version) index settles two saves at once.
 */
export async function saveSettingsSection<S extends SettingsSection>(
  db: Database,
  change: { section: S; baseVersion: number; document: BotSettingsDocuments[S] },
  stored: StoredSettings,
  audit: AuditContext,
): Promise<SectionInForce<S>> {
  const { section, baseVersion } = change;
  const document = settingsSections[section].parse(change.document) as BotSettingsDocuments[S];
  const stale = () =>
    new RejectedRequestError(
      'settings_changed',
      `someone saved ${section} settings since version ${baseVersion}; reload and edit again`,
      409,
    );
  try {
    return await db.transaction(async (tx) => {
      const before = await readSettingsSection(tx, section, stored);
      if (before.version !== baseVersion) throw stale();
      const version = baseVersion + 1;
      const [row] = await tx
        .insert(botSettings)
        .values({ section, version, ...sealApiKeyOf(stored.keyring, { section, version, document }), savedBy: audit.actorId })
        .returning();
      await recordAudit(tx, audit, {
        action: 'settings.change',
        objectType: 'bot_settings',
        objectId: section,
        details: {
          section,
          fromVersion: before.version,
          toVersion: row!.version,
          before: redactApiKey(before.document),
          after: redactApiKey(document),
        },
      });
      return { version: row!.version, document, savedAt: row!.createdAt, savedBy: row!.savedBy };
    });
  } catch (err) {
    if (refusedValueCode(err) === UNIQUE_VIOLATION) throw stale();
    throw err;
  }
}
