import { z } from 'zod';
import { personaSchema } from '../brain/model/persona.ts';
import {
  type BusinessHours,
  businessHoursSchema,
  type HandoffSettings,
  type HoldNoticeSettings,
  handoffSettingsSchema,
  holdNoticeSettingsSchema,
} from './handover-settings-schema.ts';
import { type CompanyVocabulary, companyVocabularySchema } from '../brain/retrieval/company-vocabulary.ts';
import { type CompanySmallTalk, companySmallTalkSchema } from '../brain/smalltalk/company-small-talk.ts';

/** One channel account, as teams name it: the channel kind and the account's name in CONFIG_FILE. */
const channelAccount = { channel: z.string().min(1).max(40), account: z.string().min(1).max(100) };

/**
 * Who the bot is: persona.json's schema itself (config/brain/persona.json is the default), and per
 * channel account a name and a greeting of its own over it (issue 14: neutral unless a company says otherwise).
 */
export const personaSettingsSchema = personaSchema.extend({
  greeting: z.string().trim().min(1).max(500).optional(),
  accounts: z
    .array(
      z.object({
        ...channelAccount,
        botName: z.string().trim().min(1).max(50).optional(),
        greeting: z.string().trim().min(1).max(500).optional(),
      }),
    )
    .max(200)
    .default([]),
});
export type PersonaSettings = z.infer<typeof personaSettingsSchema>;

/**
 * The chat model (LLM_* are the defaults): any OpenAI-compatible endpoint, unset = offline mode, and
 * the conversation memory's token budgets (MEMORY_*). The API key is write-only: held in the
 * document in memory, stored sealed with SECRETS_KEY beside it (src/settings/model-api-key.ts), never
 * answered, never in the audit log or a log line (`redactApiKey`).
 */
const modelFields = {
  baseUrl: z.url({ protocol: /^https?$/ }).optional(),
  model: z.string().trim().min(1).max(200).optional(),
  temperature: z.number().min(0).max(2),
  /** The recent turns the model sees word for word. */
  recentTokens: z.number().int().min(1).max(100_000),
  /** The rolling summary of the turns before them. */
  summaryTokens: z.number().int().min(1).max(100_000),
};
const bothOrNeither: [(m: { baseUrl?: string; model?: string }) => boolean, { message: string; path: string[] }] = [
  (m) => (m.baseUrl === undefined) === (m.model === undefined),
  { message: 'set both the base URL and the model, or neither (offline mode)', path: ['model'] },
];
/** The model settings as the console reads and writes them: everything but the key. */
export const publicModelSettingsSchema = z.object(modelFields).refine(...bothOrNeither);
export const modelSettingsSchema = z
  .object({
    ...modelFields,
    /** Unset = LLM_API_KEY's (local servers such as Ollama take none). */
    apiKey: z.string().min(1).max(500).optional(),
  })
  .refine(...bothOrNeither);
export type ModelSettingsDocument = z.infer<typeof modelSettingsSchema>;

/** The sections of the bot's settings, each stored as versioned documents of its own. */
export const settingsSections = {
  persona: personaSettingsSchema,
  model: modelSettingsSchema,
  handoff: handoffSettingsSchema,
  hours: businessHoursSchema,
  holdNotice: holdNoticeSettingsSchema,
  vocabulary: companyVocabularySchema,
  smalltalk: companySmallTalkSchema,
} as const;
export type SettingsSection = keyof typeof settingsSections;
export interface BotSettingsDocuments {
  persona: PersonaSettings;
  model: ModelSettingsDocument;
  handoff: HandoffSettings;
  hours: BusinessHours;
  holdNotice: HoldNoticeSettings;
  /** Synonym groups, words and stopwords of the company's own, over config/brain's lexicon. */
  vocabulary: CompanyVocabulary;
  /** Small-talk phrases and replies of the company's own, over config/brain/smalltalk.json. */
  smalltalk: CompanySmallTalk;
}

/** An API key as the console shows it: enough to tell two apart (the last four characters of a long one), never enough to use. */
export function maskApiKey(key: string | undefined): string | null {
  if (key === undefined) return null;
  return key.length >= 16 ? `••••${key.slice(-4)}` : '••••';
}

/** A settings document with its API key, if any, masked: what the audit log and the API may show. */
export function redactApiKey<T extends object>(document: T): T {
  if (!('apiKey' in document) || typeof document.apiKey !== 'string') return document;
  return { ...document, apiKey: maskApiKey(document.apiKey) };
}

/** The greeting a channel account's customers see first: the account's own, else the bot's, else none. */
export function greetingFor(settings: Pick<BotSettingsDocuments, 'persona'>, channel: string, account: string): string | undefined {
  const own = settings.persona.accounts.find((a) => a.channel === channel && a.account === account);
  return own?.greeting ?? settings.persona.greeting;
}
