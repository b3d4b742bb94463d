import { z } from 'zod';
import { companyVocabularySchema } from '../brain/retrieval/company-vocabulary.ts';
import { companySmallTalkSchema } from '../brain/smalltalk/company-small-talk.ts';
import type { Database } from '../db/connect.ts';
import type { Logger } from '../observability/logger.ts';
import { readSettingsSection, type SettingsAccess, saveSettingsSection } from '../settings/bot-settings.ts';
import type { SettingsPreviewLab } from '../settings/preview-settings.ts';
import { ADMIN_ONLY } from '../staff/roles.ts';
import type { ApiRegistry } from './api-registry.ts';
import { timestamp } from './api-schemas.ts';

const versioned = {
  /** 0 = nothing saved yet: config/brain's lexicon and smalltalk.json alone. */
  version: z.number().int(),
  savedAt: timestamp.nullable(),
  savedBy: z.number().int().nullable(),
};
const vocabularySection = z.object({ ...versioned, document: companyVocabularySchema }).meta({ id: 'VocabularySettings' });
const smallTalkKind = z.object({ kind: z.string(), phrases: z.array(z.string()), reply: z.string(), strip: z.boolean() });
const smallTalkSection = z
  .object({
    ...versioned,
    document: companySmallTalkSchema,
    /** config/brain/smalltalk.json's kinds, which the company's are laid over. */
    defaults: z.array(smallTalkKind),
  })
  .meta({ id: 'SmallTalkSettings' });

const outcome = z.object({
  decision: z.enum(['answer', 'ask', 'clarify', 'decline', 'handoff', 'smalltalk']),
  entryId: z.string().optional(),
  label: z.string().optional(),
});
const settingsPreview = z
  .object({
    similar: z.object({ asked: z.number().int(), hitBefore: z.number().int(), hitAfter: z.number().int(), folds: z.number().int() }),
    recent: z.object({
      asked: z.number().int(),
      answeredBefore: z.number().int(),
      answeredAfter: z.number().int(),
      changed: z.number().int(),
    }),
    changed: z.array(
      z.object({
        source: z.enum(['similar', 'recent']),
        knowledgeBase: z.string(),
        text: z.string(),
        before: outcome,
        after: outcome,
        ownEntry: z.string().optional(),
      }),
    ),
    ms: z.number().int(),
  })
  .meta({ id: 'SettingsPreview' });

/**
 * The company's vocabulary and small talk (机器人设置 → 词汇 / 寒暄, issue 15): admins only, each
 * save a new version with its audit entry, announced so every worker re-reads its knowledge with
 * it; and a preview of a change on the company's own questions before it is saved.
 */
export function registerVocabularySettingsRoutes(
  api: ApiRegistry,
  deps: { db: Database; settings: SettingsAccess; preview: SettingsPreviewLab; logger: Logger },
): void {
  const { db, settings, preview, logger } = deps;
  const base = { tag: 'settings', access: ADMIN_ONLY };
  const announce = (section: 'vocabulary' | 'smalltalk') =>
    settings.announce(section).catch((err) => logger.warn({ err, section }, 'settings change not announced'));
  const readSmallTalk = async () => ({
    ...(await readSettingsSection(db, 'smalltalk', settings)),
    defaults: (await preview.smallTalkDefaults()).kinds,
  });

  api.operation({
    ...base,
    method: 'get',
    path: '/api/settings/vocabulary',
    summary: "The company's synonym groups, words and stopwords, read before config/brain's lexicon (version 0 = none)",
    success: { status: 200, description: 'The vocabulary settings in force', schema: vocabularySection },
    handle: () => readSettingsSection(db, 'vocabulary', settings),
  });

  api.operation({
    ...base,
    method: 'put',
    path: '/api/settings/vocabulary',
    summary:
      'Save the vocabulary as the next version (409 if someone saved since `baseVersion`; 400 for a word in two groups); workers rebuild their indexes with it',
    body: z.object({ baseVersion: z.number().int().min(0), document: companyVocabularySchema }),
    success: { status: 200, description: 'The vocabulary as saved', schema: vocabularySection },
    handle: async ({ body, audit }) => {
      const saved = await saveSettingsSection(db, { section: 'vocabulary', ...body }, settings, audit);
      await announce('vocabulary');
      return saved;
    },
  });

  api.operation({
    ...base,
    method: 'post',
    path: '/api/settings/vocabulary/preview',
    summary:
      "What a vocabulary would change, before it is saved: FAQ similar questions' hit@1 (each withheld from the index) and recent customer questions whose answer or decision changes",
    body: z.object({ document: companyVocabularySchema }),
    success: { status: 200, description: 'The figures before and after, and the questions that change', schema: settingsPreview },
    handle: ({ body }) => preview.preview({ vocabulary: body.document }),
  });

  api.operation({
    ...base,
    method: 'get',
    path: '/api/settings/smalltalk',
    summary: "The company's small-talk phrases and replies per kind, laid over config/brain/smalltalk.json (given as `defaults`)",
    success: { status: 200, description: 'The small-talk settings in force', schema: smallTalkSection },
    handle: readSmallTalk,
  });

  api.operation({
    ...base,
    method: 'put',
    path: '/api/settings/smalltalk',
    summary: 'Save the small talk as the next version (409 if someone saved since `baseVersion`; 400 for a phrase in two kinds)',
    body: z.object({ baseVersion: z.number().int().min(0), document: companySmallTalkSchema }),
    success: { status: 200, description: 'The small-talk settings as saved', schema: smallTalkSection },
    handle: async ({ body, audit }) => {
      await preview.checkSmallTalk(body.document);
      await saveSettingsSection(db, { section: 'smalltalk', ...body }, settings, audit);
      await announce('smalltalk');
      return readSmallTalk();
    },
  });

  api.operation({
    ...base,
    method: 'post',
    path: '/api/settings/smalltalk/preview',
    summary: 'What a small-talk change would change, before it is saved, on the same questions as the vocabulary preview',
    body: z.object({ document: companySmallTalkSchema }),
    success: { status: 200, description: 'The figures before and after, and the questions that change', schema: settingsPreview },
    handle: ({ body }) => preview.preview({ smalltalk: body.document }),
  });
}
