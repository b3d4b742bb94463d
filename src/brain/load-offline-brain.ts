import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { HandoffPolicy } from './handoff/handoff-policy.ts';
import { loadHandoffRules } from './handoff/handoff-rules.ts';
import { loadFaqCsvFile } from './knowledge/faq-csv.ts';
import { OfflineBrain } from './offline-brain.ts';
import { LexicalIndex } from './retrieval/lexical-index.ts';
import { loadLexicon } from './retrieval/lexicon.ts';
import { TermPrior } from './retrieval/term-prior.ts';
import { TextAnalyzer } from './retrieval/text-analyzer.ts';
import type { IndexedChunk } from './retrieval/types.ts';
import { SmallTalk } from './smalltalk/small-talk.ts';

const channelWeights = z.object({ words: z.number().min(0), charGrams: z.number().min(0), pinyinGrams: z.number().min(0) });
const retrievalSettingsSchema = z.object({
  threshold: z.number().min(0),
  pinyin: z.boolean().default(true),
  /** How strongly general-Chinese word informativeness counts (see TermPrior); 0 = off. */
  wordPriorExponent: z.number().min(0).default(1),
  index: z
    .object({
      channelWeights: channelWeights.optional(),
      answerKeyWeight: z.number().min(0).optional(),
      entryWeight: z.number().min(0).max(1).optional(),
      unitCoverage: z.number().min(0).max(1).optional(),
      unknownTermWeight: z.number().min(0).max(1).optional(),
    })
    .default({}),
});
export type RetrievalSettings = z.infer<typeof retrievalSettingsSchema>;

/** The brain's config files, all under one directory (config/brain by default). */
export async function loadRetrievalSettings(configDir: string): Promise<RetrievalSettings> {
  const path = join(configDir, 'retrieval.json');
  const parsed = retrievalSettingsSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success) throw new ConfigError(`${path}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

/** What every index of a process shares: the analyzer and the word prior (~35 MB, load once). */
export interface RetrievalContext {
  settings: RetrievalSettings;
  analyzer: TextAnalyzer;
  prior?: TermPrior;
}

export async function createRetrievalContext(configDir: string, settings: RetrievalSettings): Promise<RetrievalContext> {
  const lexicon = await loadLexicon({
    dictionaryPath: join(configDir, 'dictionary.txt'),
    synonymsPath: join(configDir, 'synonyms.txt'),
    stopwordsPath: join(configDir, 'stopwords.txt'),
  });
  return {
    settings,
    analyzer: TextAnalyzer.create(lexicon, { pinyin: settings.pinyin }),
    ...(settings.wordPriorExponent > 0 && { prior: TermPrior.fromJiebaIdf(settings.wordPriorExponent) }),
  };
}

/** Builds a lexical index the way the service does, so eval and bench measure the real thing. */
export function buildLexicalIndex(chunks: readonly IndexedChunk[], context: RetrievalContext): LexicalIndex {
  const { prior } = context;
  return LexicalIndex.build(chunks, context.analyzer, {
    ...context.settings.index,
    ...(prior && { wordWeight: (term: string) => prior.weight(term) }),
  });
}

export interface OfflineBrainSetup {
  /** Directory holding retrieval.json, handoff.json, smalltalk.json and the lexicon files. */
  configDir: string;
  /** Knowledge base name → FAQ sheets (CSV) to load into it. */
  knowledgeBases: Record<string, string[]>;
  /** Overrides retrieval.json's threshold (the eval sweeps it). */
  threshold?: number;
}

export interface LoadedOfflineBrain {
  brain: OfflineBrain;
  settings: RetrievalSettings;
  /** The index of each knowledge base, by name. */
  indexes: ReadonlyMap<string, LexicalIndex>;
}

export async function loadOfflineBrain(setup: OfflineBrainSetup): Promise<LoadedOfflineBrain> {
  const settings = await loadRetrievalSettings(setup.configDir);
  const [context, rules, smallTalk] = await Promise.all([
    createRetrievalContext(setup.configDir, settings),
    loadHandoffRules(join(setup.configDir, 'handoff.json')),
    SmallTalk.load(join(setup.configDir, 'smalltalk.json')),
  ]);
  const retrievers = new Map<string, LexicalIndex>();
  for (const [kbName, files] of Object.entries(setup.knowledgeBases)) {
    const chunks = (await Promise.all(files.map((file) => loadFaqCsvFile(file, kbName)))).flat();
    retrievers.set(kbName, buildLexicalIndex(chunks, context));
  }
  const brain = new OfflineBrain({
    retrievers,
    threshold: setup.threshold ?? settings.threshold,
    clarify: rules.clarify,
    handoff: new HandoffPolicy(rules),
    smallTalk,
  });
  return { brain, settings, indexes: retrievers };
}
