import { join } from 'node:path';
import { companyRulesOf } from '../brain/handoff/company-handoff-rules.ts';
import { loadHandoffRules } from '../brain/handoff/handoff-rules.ts';
import { loadPersona } from '../brain/model/persona.ts';
import { NO_COMPANY_VOCABULARY } from '../brain/retrieval/company-vocabulary.ts';
import { NO_COMPANY_SMALL_TALK } from '../brain/smalltalk/company-small-talk.ts';
import { readBotSettings, type SettingsAccess, type SettingsDefaults } from '../settings/bot-settings.ts';
import type { BotSettingsDocuments } from '../settings/bot-settings-schema.ts';
import { DEFAULT_BUSINESS_HOURS } from '../settings/handover-settings-schema.ts';
import { hasPlainApiKeys, sealPlainApiKeys } from '../settings/model-api-key.ts';
import { publishSettingsChanged, subscribeSettingsChanges } from '../settings/settings-change-feed.ts';
import type { Infrastructure } from './connect-infrastructure.ts';
import type { StartContext } from './start-context.ts';

/** The bot's settings as one process holds them: read at start, read again on every announced change. */
export interface LiveSettings extends SettingsAccess {
  current(): BotSettingsDocuments;
  /** Runs after each reload, with the settings now in force. */
  onChange(listener: (settings: BotSettingsDocuments) => void): void;
}

/**
 * Subscribes to the settings-changed feed BEFORE the first read, so a save announced while the
 * process starts is not missed; each announcement (or a reconnect, after which some may have been
 * lost) reads every section again. A failed read keeps the settings in force and is logged.
 */
export async function startSettings({ config, logger }: StartContext, infra: Infrastructure): Promise<LiveSettings> {
  const { env } = config;
  const defaults: SettingsDefaults = {
    persona: await loadPersona(config.demo.personaFile ?? join(env.BRAIN_CONFIG_DIR, 'persona.json')),
    model: {
      // No key: LLM_API_KEY is the fallback where the key is used, never copied into a saved document.
      ...(config.model && { baseUrl: config.model.baseUrl, model: config.model.model }),
      temperature: env.LLM_TEMPERATURE,
      recentTokens: env.MEMORY_RECENT_TOKENS,
      summaryTokens: env.MEMORY_SUMMARY_TOKENS,
    },
    handoff: companyRulesOf(await loadHandoffRules(join(env.BRAIN_CONFIG_DIR, 'handoff.json'))),
    hours: DEFAULT_BUSINESS_HOURS,
    holdNotice: { text: env.HOLD_NOTICE_TEXT, intervalMs: env.HOLD_NOTICE_INTERVAL_MS },
    vocabulary: NO_COMPANY_VOCABULARY,
    smalltalk: NO_COMPANY_SMALL_TALK,
  };
  const stored = { defaults, ...(config.secretsKeyring && { keyring: config.secretsKeyring }) };
  // Keys saved in plain text before they were sealed are sealed by the first process that has SECRETS_KEY.
  if (stored.keyring) await sealPlainApiKeys(infra.db, stored.keyring);
  else if (await hasPlainApiKeys(infra.db))
    logger.warn('a model API key saved in the console is stored in plain text: set SECRETS_KEY to seal it (docs/security.md)');
  const listeners: Array<(settings: BotSettingsDocuments) => void> = [];
  let settings: BotSettingsDocuments | undefined;
  // Reads run one after another, so an older read never lands after a newer one.
  let reading = Promise.resolve();
  const reload = () => {
    reading = reading.then(async () => {
      try {
        settings = await readBotSettings(infra.db, stored);
      } catch (err) {
        logger.error({ err }, 'reading the bot settings failed; the previous ones stay in force');
        return;
      }
      for (const listener of listeners) listener(settings);
    });
    return reading;
  };
  // A subscribed connection runs nothing else: one of its own, closed with the others at stop.
  await subscribeSettingsChanges(infra.connectRedis('settings changes', { maxRetriesPerRequest: null }), infra.redisPrefix, {
    changed: () => void reload(),
    reconnected: () => void reload(),
  });
  settings = await readBotSettings(infra.db, stored);
  return {
    ...stored,
    ...(env.LLM_API_KEY !== undefined && { environmentApiKey: env.LLM_API_KEY }),
    current: () => settings!,
    onChange: (listener) => void listeners.push(listener),
    async announce(section) {
      await publishSettingsChanged(infra.redis, infra.redisPrefix, section);
    },
  };
}
