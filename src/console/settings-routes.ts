import { z } from 'zod';
import type { Database } from '../db/connect.ts';
import type { Logger } from '../observability/logger.ts';
import { readSettingsSection, type SettingsAccess, saveSettingsSection } from '../settings/bot-settings.ts';
import { maskApiKey, publicModelSettingsSchema, personaSettingsSchema } from '../settings/bot-settings-schema.ts';
import { testModelConnection } from '../settings/test-model-connection.ts';
import { NO_API_KEY } from '../config/model-endpoints.ts';
import { ADMIN_ONLY } from '../staff/roles.ts';
import type { ApiRegistry } from './api-registry.ts';
import { timestamp } from './api-schemas.ts';

/** A settings section as the console reads it, named `id` in the OpenAPI document. */
export const settingsSectionAnswer = (document: z.ZodType, id: string) =>
  z
    .object({
      /** 0 = nothing saved yet: the document is the defaults (config/, the environment). */
      version: z.number().int(),
      savedAt: timestamp.nullable(),
      savedBy: z.number().int().nullable(),
      document,
    })
    .meta({ id });

const personaSection = settingsSectionAnswer(personaSettingsSchema, 'PersonaSettings');

const modelSection = z
  .object({
    version: z.number().int(),
    savedAt: timestamp.nullable(),
    savedBy: z.number().int().nullable(),
    document: publicModelSettingsSchema,
    /** Never the key: whether one is in force, masked, and whether it was saved here or comes from LLM_API_KEY. */
    apiKey: z.object({ masked: z.string().nullable(), from: z.enum(['console', 'environment']).nullable() }),
  })
  .meta({ id: 'ModelSettings' });

const connectionCheck = z
  .object({
    ok: z.boolean(),
    ms: z.number().int(),
    status: z.number().int().optional(),
    code: z.string().optional(),
    message: z.string().optional(),
  })
  .meta({ id: 'ModelConnectionCheck' });

/**
 * The bot's settings (机器人设置, issue 15): admins only, every save a new version with its audit
 * entry, then announced so every API and worker process uses it without a restart.
 */
export function registerSettingsRoutes(api: ApiRegistry, deps: { db: Database; settings: SettingsAccess; logger: Logger }): void {
  const { db, settings, logger } = deps;
  const base = { tag: 'settings', access: ADMIN_ONLY };
  const announce = (section: 'persona' | 'model') =>
    // Saved and audited either way: a process that misses the announcement keeps the old settings
    // until the next change or reconnect, which is worth a log line, not a failed save.
    settings.announce(section).catch((err) => logger.warn({ err, section }, 'settings change not announced'));

  /** The model section as the console sees it: the key masked, or where it comes from. */
  async function readModel() {
    const { document, ...version } = await readSettingsSection(db, 'model', settings);
    const { apiKey, ...rest } = document;
    const key = apiKey ?? settings.environmentApiKey;
    return {
      ...version,
      document: rest,
      apiKey: { masked: maskApiKey(key), from: apiKey ? ('console' as const) : key ? ('environment' as const) : null },
    };
  }

  api.operation({
    ...base,
    method: 'get',
    path: '/api/settings/persona',
    summary: 'Who the bot is: name, company, tone, greeting, and a name and greeting per channel account (version 0 = config/ defaults)',
    success: { status: 200, description: 'The persona settings in force', schema: personaSection },
    handle: () => readSettingsSection(db, 'persona', settings),
  });

  api.operation({
    ...base,
    method: 'put',
    path: '/api/settings/persona',
    summary: 'Save the persona settings as the next version (409 if someone saved since `baseVersion`); running processes use them at once',
    body: z.object({ baseVersion: z.number().int().min(0), document: personaSettingsSchema }),
    success: { status: 200, description: 'The persona settings as saved', schema: personaSection },
    handle: async ({ body, audit }) => {
      const saved = await saveSettingsSection(db, { section: 'persona', ...body }, settings, audit);
      await announce('persona');
      return saved;
    },
  });

  api.operation({
    ...base,
    method: 'get',
    path: '/api/settings/model',
    summary: 'The chat model: base URL, model, temperature, memory token budgets (version 0 = LLM_* and MEMORY_*); the API key only masked',
    success: { status: 200, description: 'The model settings in force', schema: modelSection },
    handle: readModel,
  });

  api.operation({
    ...base,
    method: 'put',
    path: '/api/settings/model',
    summary:
      'Save the model settings as the next version (409 if someone saved since `baseVersion`). `apiKey`: a new key; null removes the saved one (LLM_API_KEY applies again); absent keeps it',
    body: z.object({
      baseVersion: z.number().int().min(0),
      document: publicModelSettingsSchema,
      apiKey: z.string().trim().min(1).max(500).nullable().optional(),
    }),
    success: { status: 200, description: 'The model settings as saved', schema: modelSection },
    handle: async ({ body, audit }) => {
      const kept = (await readSettingsSection(db, 'model', settings)).document.apiKey;
      const apiKey = body.apiKey === undefined ? kept : (body.apiKey ?? undefined);
      const document = { ...body.document, ...(apiKey !== undefined && { apiKey }) };
      await saveSettingsSection(db, { section: 'model', baseVersion: body.baseVersion, document }, settings, audit);
      await announce('model');
      return readModel();
    },
  });

  api.operation({
    ...base,
    method: 'post',
    path: '/api/settings/model/test',
    summary:
      '测试连接: one one-token chat request to the endpoint, with the key given or else the key in force; answers what the endpoint said',
    body: z.object({
      baseUrl: z.url({ protocol: /^https?$/ }),
      model: z.string().trim().min(1).max(200),
      apiKey: z.string().trim().min(1).max(500).optional(),
    }),
    success: { status: 200, description: 'Whether the endpoint answered, and if not, its status and error', schema: connectionCheck },
    handle: async ({ body }) => {
      const saved = (await readSettingsSection(db, 'model', settings)).document.apiKey;
      return testModelConnection({ ...body, apiKey: body.apiKey ?? saved ?? settings.environmentApiKey ?? NO_API_KEY });
    },
  });
}
