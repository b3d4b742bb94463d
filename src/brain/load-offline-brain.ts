import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { HandoffPolicy } from './handoff/handoff-policy.ts';
import { loadHandoffRules } from './handoff/handoff-rules.ts';
import { loadFaqCsvFile } from './knowledge/faq-csv.ts';
import { OfflineBrain } from './offline-brain.ts';
import { QuestionEntities } from './question-entities.ts';
import { CedictGlosses, MOST_HEADWORDS } from './retrieval/cedict-glosses.ts';
import { LexicalIndex } from './retrieval/lexical-index.ts';
import { type CompanyVocabulary, companyLexiconTexts } from './retrieval/company-vocabulary.ts';
import { loadLexicon } from './retrieval/lexicon.ts';
import { TermPrior } from './retrieval/term-prior.ts';
import { TextAnalyzer } from './retrieval/text-analyzer.ts';
import type { IndexedChunk } from './retrieval/types.ts';
import { SmallTalk } from './smalltalk/small-talk.ts';

const channelWeights = z.object({
  words: z.number().min(0),
  charGrams: z.number().min(0),
  chars: z.number().min(0).optional(),
  pinyinGrams: z.number().min(0),
});
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
      outOfDomainFactor: z.number().min(0).max(1).optional(),
      inDomainCoverage: z.number().gt(0).max(1).optional(),
      characterCredit: z.number().min(0).max(1).optional(),
      thesaurusWeight: z.number().min(0).max(1).optional(),
      thesaurusMostHeadwords: z.number().int().min(2).max(MOST_HEADWORDS).optional(),
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
  /** The lexicon directories the analyzer was built from, first first (see `withCompanyVocabulary`). */
  lexiconDirs: readonly string[];
}

/**
 * `vocabularyDir`: a company's own lexicon files (dictionary, synonyms, concepts) beside the
 * general ones of configDir; the demo store's is DEMO_VOCABULARY_DIR, loaded only with the demo.
 * `company`: the vocabulary saved in the console, read before both.
 */
export async function createRetrievalContext(
  configDir: string,
  settings: RetrievalSettings,
  vocabularyDir?: string,
  company?: CompanyVocabulary,
): Promise<RetrievalContext> {
  const lexiconDirs = vocabularyDir === undefined ? [configDir] : [vocabularyDir, configDir];
  const lexicon = await loadLexicon(lexiconDirs, company && companyLexiconTexts(company));
  return {
    settings,
    analyzer: TextAnalyzer.create(lexicon, { pinyin: settings.pinyin }),
    ...(settings.wordPriorExponent > 0 && { prior: TermPrior.fromJiebaIdf(settings.wordPriorExponent) }),
    lexiconDirs,
  };
}

/**
 * The same context with another company vocabulary: a new analyzer (jieba cannot forget a word, so
 * a fresh one, ~0.2 s), the settings and the word prior shared. Indexes built with it must be
 * queried with it: a LexicalIndex keeps the analyzer it was built with.
 */
export async function withCompanyVocabulary(context: RetrievalContext, company: CompanyVocabulary): Promise<RetrievalContext> {
  const lexicon = await loadLexicon(context.lexiconDirs, companyLexiconTexts(company));
  return { ...context, analyzer: TextAnalyzer.create(lexicon, { pinyin: context.settings.pinyin }) };
}

/** Builds a lexical index the way the service does, so eval and bench measure the real thing. */
export function buildLexicalIndex(chunks: readonly IndexedChunk[], context: RetrievalContext): LexicalIndex {
  const { prior } = context;
  return LexicalIndex.build(chunks, context.analyzer, {
    ...context.settings.index,
    ...(prior && { wordWeight: (term: string) => prior.weight(term), isGeneralWord: (text: string) => prior.isWord(text) }),
    glosses: CedictGlosses.shared,
  });
}

/** What questions name and whether entries mention it, with the analyzer the indexes use (config/brain/question-frame.txt). */
export function loadQuestionEntities(configDir: string, context: RetrievalContext): Promise<QuestionEntities> {
  return QuestionEntities.load(context.analyzer, join(configDir, 'question-frame.txt'));
}

export interface OfflineBrainSetup {
  /** Directory holding retrieval.json, handoff.json, smalltalk.json and the lexicon files. */
  configDir: string;
  /** Knowledge base name → FAQ sheets (CSV) to load into it. */
  knowledgeBases: Record<string, string[]>;
  /** Knowledge base name → the company's own lexicon directory it is read with (see createRetrievalContext). */
  vocabularyDirs?: Record<string, string>;
  /** Overrides retrieval.json's threshold (the eval sweeps it). */
  threshold?: number;
}

export interface LoadedOfflineBrain {
  brain: OfflineBrain;
  settings: RetrievalSettings;
  /** The index of each knowledge base, by name. */
  indexes: ReadonlyMap<string, LexicalIndex>;
  /** What a model brain over the same knowledge needs besides (npm run eval -- --model). */
  handoff: HandoffPolicy;
  smallTalk: SmallTalk;
  sensitiveIntents: ReadonlyMap<string, string>;
}

export async function loadOfflineBrain(setup: OfflineBrainSetup): Promise<LoadedOfflineBrain> {
  const settings = await loadRetrievalSettings(setup.configDir);
  const [rules, smallTalk] = await Promise.all([
    loadHandoffRules(join(setup.configDir, 'handoff.json')),
    SmallTalk.load(join(setup.configDir, 'smalltalk.json')),
  ]);
  const contexts = new Map<string | undefined, Promise<RetrievalContext>>();
  const contextFor = (vocabularyDir: string | undefined) => {
    let context = contexts.get(vocabularyDir);
    if (context === undefined) contexts.set(vocabularyDir, (context = createRetrievalContext(setup.configDir, settings, vocabularyDir)));
    return context;
  };
  const entities = await loadQuestionEntities(setup.configDir, await contextFor(undefined));
  const retrievers = new Map<string, LexicalIndex>();
  for (const [kbName, files] of Object.entries(setup.knowledgeBases)) {
    const chunks = (await Promise.all(files.map((file) => loadFaqCsvFile(file, kbName)))).flat();
    retrievers.set(kbName, buildLexicalIndex(chunks, await contextFor(setup.vocabularyDirs?.[kbName])));
  }
  const handoff = new HandoffPolicy(rules);
  const brain = new OfflineBrain({
    retrievers,
    threshold: setup.threshold ?? settings.threshold,
    clarify: rules.clarify,
    handoff,
    smallTalk,
    entities,
  });
  return { brain, settings, indexes: retrievers, handoff, smallTalk, sensitiveIntents: handoff.sensitiveIntents };
}
