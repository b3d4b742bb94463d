import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Database } from '../db/connect.ts';
import { createEmbedder, type Embedder, type EmbeddingSettings } from './embeddings/embedder.ts';
import type { KnowledgeRetriever } from './embeddings/knowledge-retriever.ts';
import { HandoffPolicy } from './handoff/handoff-policy.ts';
import { loadHandoffRules } from './handoff/handoff-rules.ts';
import { KnowledgeIndexes } from './knowledge/knowledge-indexes.ts';
import { KnowledgeStore } from './knowledge/knowledge-store.ts';
import { seedDemoKnowledgeBase } from './knowledge/seed-demo.ts';
import {
  buildLexicalIndex,
  createRetrievalContext,
  loadQuestionEntities,
  loadRetrievalSettings,
  withCompanyVocabulary,
} from './load-offline-brain.ts';
import { ConversationMemory, type MemoryBudget, type SummaryStore } from './model/conversation-memory.ts';
import type { LlmBrain } from './model/llm-brain.ts';
import type { ModelObserver, ModelSettings } from './model/model-settings.ts';
import { loadPersona, type Persona } from './model/persona.ts';
import { loadPrompts } from './model/prompts.ts';
import { OfflineBrain } from './offline-brain.ts';
import type { CompanyVocabulary } from './retrieval/company-vocabulary.ts';
import { type CompanySmallTalk, withCompanySmallTalk } from './smalltalk/company-small-talk.ts';
import { SmallTalk } from './smalltalk/small-talk.ts';
import type { Brain } from './types.ts';

export interface BrainSetup {
  db: Database;
  /** retrieval.json, handoff.json, smalltalk.json, persona.json and the lexicon (config/brain). */
  configDir: string;
  /** Who the bot is; `persona.json` of configDir unless given (the demo's is config/demo/persona.json). */
  personaFile?: string;
  /**
   * A company's own lexicon directory (dictionary, synonyms, concepts) read beside configDir's
   * general one, for every knowledge base of the process; the demo store's while the demo is on.
   */
  vocabularyDir?: string;
  /** Who the bot is as the settings saved in the console say; replaces reading personaFile. */
  persona?: Persona;
  /** The company's vocabulary saved in the console, read before vocabularyDir's and configDir's lexicon. */
  vocabulary?: CompanyVocabulary;
  /** The company's small talk saved in the console, laid over smalltalk.json. */
  smallTalk?: CompanySmallTalk;
  /** The model prompts (config/prompts). */
  promptsDir: string;
  fallbackText: string;
  /** Imported into `default` when it is empty; undefined = no demo. */
  demoFile?: string;
  embeddings?: EmbeddingSettings;
  /** Unset = offline mode. */
  model?: ModelSettings;
  memory?: MemoryBudget;
  /** Where the model brain keeps each conversation's rolling summary; the domain implements it. */
  summaries: SummaryStore;
  observer?: ModelObserver;
  logger?: Logger;
}

export interface LoadedKnowledge {
  offline: OfflineBrain;
  handoff: HandoffPolicy;
  /** Sensitive intents by name → what the customer is told (handoff.json `sensitive`). */
  sensitiveIntents: ReadonlyMap<string, string>;
  smallTalk: SmallTalk;
  persona: Persona;
  store: KnowledgeStore;
  indexes: KnowledgeIndexes;
  embedder?: Embedder;
  /** A LangChain retriever over one knowledge base's hybrid search. */
  retriever(kbName: string, k?: number): Promise<KnowledgeRetriever>;
  /**
   * Reads questions and knowledge with another company vocabulary from now on: a new analyzer,
   * then every knowledge base's index rebuilt with it and swapped in (KnowledgeIndexes.loadAll);
   * questions in between are answered by the indexes they started on.
   */
  useVocabulary(vocabulary: CompanyVocabulary): Promise<void>;
  /** Recognizes small talk with another company's phrases and replies laid over smalltalk.json, from the next message. */
  useSmallTalk(company: CompanySmallTalk): void;
}

export interface LoadedBrain extends LoadedKnowledge {
  brain: Brain;
}

export const DEFAULT_MEMORY: MemoryBudget = { recentTokens: 600, summaryTokens: 300 };

/**
 * Builds the service's brain from the database-backed knowledge bases: the OfflineBrain always
 * (it is also the model brain's fallback), the LlmBrain in front of it when a model is configured.
 */
export async function loadBrain(setup: BrainSetup): Promise<LoadedBrain> {
  const knowledge = await loadKnowledge(setup);
  return { ...knowledge, brain: setup.model ? await createModelBrain(knowledge, { ...setup, model: setup.model }) : knowledge.offline };
}

/** What loading the knowledge needs: the brain's setup without the model. */
export type KnowledgeSetup = Omit<BrainSetup, 'model' | 'summaries'>;

/** The knowledge bases, their indexes and the offline brain: everything that needs no model. */
export async function loadKnowledge(setup: KnowledgeSetup): Promise<LoadedKnowledge> {
  const settings = await loadRetrievalSettings(setup.configDir);
  const persona = setup.persona ?? (await loadPersona(setup.personaFile ?? join(setup.configDir, 'persona.json')));
  const [initialRetrieval, rules, smallTalk] = await Promise.all([
    createRetrievalContext(setup.configDir, settings, setup.vocabularyDir, setup.vocabulary),
    loadHandoffRules(join(setup.configDir, 'handoff.json')),
    SmallTalk.load(join(setup.configDir, 'smalltalk.json'), persona.greeting),
  ]);
  let retrieval = initialRetrieval;
  const useSmallTalk = (company: CompanySmallTalk) => smallTalk.useConfig(withCompanySmallTalk(smallTalk.baseConfig, company));
  if (setup.smallTalk) useSmallTalk(setup.smallTalk);
  const embedder = setup.embeddings ? await createEmbedder(setup.embeddings) : undefined;
  const store = new KnowledgeStore(setup.db);
  if (setup.demoFile) await seedDemoKnowledgeBase(setup.db, setup.demoFile, { embedder, logger: setup.logger });
  const indexes = new KnowledgeIndexes({
    store,
    embedder,
    logger: setup.logger,
    buildLexical: (chunks) => buildLexicalIndex(chunks, retrieval),
  });
  await indexes.loadAll();
  const handoff = new HandoffPolicy(rules);
  const entities = await loadQuestionEntities(setup.configDir, retrieval);
  const offline = new OfflineBrain({
    entities,
    retrievers: indexes.lexical,
    threshold: settings.threshold,
    clarify: rules.clarify,
    handoff,
    smallTalk,
  });
  return {
    offline,
    handoff,
    sensitiveIntents: handoff.sensitiveIntents,
    smallTalk,
    persona,
    store,
    indexes,
    embedder,
    // LangChain's retriever interface, for chains built on the knowledge base; loaded on first use (see createChatModel).
    retriever: async (kbName, k) => {
      const { KnowledgeRetriever } = await import('./embeddings/knowledge-retriever.ts');
      return new KnowledgeRetriever({ search: (query, n) => indexes.search(kbName, query, n), k });
    },
    async useVocabulary(vocabulary) {
      retrieval = await withCompanyVocabulary(retrieval, vocabulary);
      await indexes.loadAll();
      offline.useEntities(entities.withAnalyzer(retrieval.analyzer));
    },
    useSmallTalk,
  };
}

/** The model brain over loaded knowledge: prompts from config with the persona, memory in the summary store it is given. */
export async function createModelBrain(knowledge: LoadedKnowledge, setup: BrainSetup & { model: ModelSettings }): Promise<LlmBrain> {
  // The model brain's modules load LangChain: imported only when a model is configured (see createChatModel).
  const [{ createChatModel }, { LlmBrain }, { createSummarizer }] = await Promise.all([
    import('./model/chat-model.ts'),
    import('./model/llm-brain.ts'),
    import('./model/summarize-turns.ts'),
  ]);
  const prompts = await loadPrompts(setup.promptsDir, knowledge.persona);
  const model = await createChatModel(setup.model);
  return new LlmBrain({
    model,
    settings: setup.model,
    prompts,
    ownNames: [knowledge.persona.companyName, knowledge.persona.botName],
    search: (kb, query, k) => knowledge.indexes.search(kb, query, k),
    offline: knowledge.offline,
    handoff: knowledge.handoff,
    sensitiveIntents: knowledge.sensitiveIntents,
    smallTalk: knowledge.smallTalk,
    memory: new ConversationMemory(setup.summaries, createSummarizer(model, prompts.summarize), setup.memory ?? DEFAULT_MEMORY),
    fallbackText: setup.fallbackText,
    observer: setup.observer,
    logger: setup.logger,
  });
}
