import type { Redis } from 'ioredis';
import { kbChangedChannel } from '../brain/knowledge/kb-change-feed.ts';
import { type BrainSetup, createModelBrain, type KnowledgeSetup, type LoadedKnowledge, loadBrain } from '../brain/load-brain.ts';
import type { ModelSettings } from '../brain/model/model-settings.ts';
import type { Brain } from '../brain/types.ts';
import type { Config } from '../config/env.ts';
import { NO_API_KEY } from '../config/model-endpoints.ts';
import { conversationSummaries } from '../conversations/conversation-summary.ts';
import type { Database } from '../db/connect.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import type { ModelSettingsDocument } from '../settings/bot-settings-schema.ts';
import { followKbChanges } from './follow-kb-changes.ts';
import { followVocabularySettings } from './follow-vocabulary-settings.ts';
import type { LiveSettings } from './start-settings.ts';

/**
 * The brain of a worker process: knowledge-base indexes loaded from the database (the demo KB
 * imported first when `default` is empty), kept current by the kb-changed feed, and the model
 * brain in front when a model is configured (with the offline brain beside it, for spent budgets).
 * Who the bot is, which model it uses and when it hands off come from the bot's settings (LLM_* and
 * config/ are their defaults); a greeting, a model or handoff rules saved later are used from the
 * next turn on, without a restart.
 */
export async function startBrain(
  config: Config,
  db: Database,
  kbChanges: { subscriber: Redis; prefix: string },
  metrics: Metrics,
  logger: Logger,
  settings: LiveSettings,
): Promise<{ brain: Brain; knowledgeOnlyBrain?: Brain; knowledge: LoadedKnowledge }> {
  const feed = await followKbChanges(kbChanges.subscriber, kbChanges.prefix, logger);
  const initial = settings.current();
  const setup: Omit<BrainSetup, 'model'> = {
    ...knowledgeSetup(config, db, logger),
    persona: initial.persona,
    vocabulary: initial.vocabulary,
    smallTalk: initial.smalltalk,
    ...(config.demo.knowledgeFile && { demoFile: config.demo.knowledgeFile }),
    summaries: conversationSummaries(db),
    observer: {
      latency: (model, seconds) => metrics.modelLatency.observe({ model }, seconds),
      tokens: (model, kind, count) => metrics.modelTokens.inc({ model, kind }, count),
      error: (model, code) => metrics.modelErrors.inc({ model, code }),
    },
  };
  const model = modelSettingsOf(config, initial.model);
  const loaded = await loadBrain({ ...setup, ...(model && { model }), memory: memoryOf(initial.model) });
  feed.attach(loaded.indexes);
  loaded.handoff.follow(initial.handoff);
  followVocabularySettings(loaded, settings, logger);
  logger.info(
    { mode: modeOf(model), embeddings: config.embeddings?.model ?? null, feed: kbChangedChannel(kbChanges.prefix) },
    'brain ready',
  );
  let current: Brain = loaded.brain;
  let inForce = JSON.stringify(initial.model);
  settings.onChange((now) => {
    loaded.smallTalk.useGreeting(now.persona.greeting);
    loaded.handoff.follow(now.handoff);
    if (JSON.stringify(now.model) === inForce) return;
    inForce = JSON.stringify(now.model);
    const next = modelSettingsOf(config, now.model);
    void (next ? createModelBrain(loaded, { ...setup, model: next, memory: memoryOf(now.model) }) : Promise.resolve(loaded.offline))
      .then((brain) => {
        current = brain;
        logger.info({ mode: modeOf(next) }, 'brain follows the model settings saved in the console');
      })
      .catch((err) => logger.error({ err }, 'the saved model settings could not be applied; the previous brain keeps answering'));
  });
  // Customers whose model budget is spent are answered by the offline brain alone. Budgets follow
  // whether a model was on at start: one switched on in the console later spends none until a restart.
  return {
    brain: { answer: (conversation, messages, options) => current.answer(conversation, messages, options) },
    ...(model && { knowledgeOnlyBrain: loaded.offline }),
    knowledge: loaded,
  };
}

/** The model the worker calls: the endpoint, model, key (else LLM_API_KEY's) and temperature as saved; timeouts, retries and concurrency from LLM_*. */
function modelSettingsOf({ env }: Config, saved: ModelSettingsDocument): ModelSettings | undefined {
  if (saved.baseUrl === undefined || saved.model === undefined) return undefined;
  return {
    baseUrl: saved.baseUrl,
    model: saved.model,
    apiKey: saved.apiKey ?? env.LLM_API_KEY ?? NO_API_KEY,
    temperature: saved.temperature,
    timeoutMs: env.LLM_TIMEOUT_MS,
    maxRetries: env.LLM_MAX_RETRIES,
    maxConcurrency: env.LLM_MAX_CONCURRENCY,
    structuredOutput: env.LLM_STRUCTURED_OUTPUT,
  };
}

const memoryOf = (saved: ModelSettingsDocument) => ({ recentTokens: saved.recentTokens, summaryTokens: saved.summaryTokens });
const modeOf = (model: ModelSettings | undefined) => (model ? `model ${model.model}` : 'offline');

/** What the knowledge bases are loaded with, in a worker and in an API process alike (no demo import: workers do that). */
export function knowledgeSetup(config: Config, db: Database, logger: Logger): KnowledgeSetup {
  const { env } = config;
  return {
    db,
    configDir: env.BRAIN_CONFIG_DIR,
    promptsDir: env.PROMPTS_DIR,
    fallbackText: env.FALLBACK_TEXT,
    ...(config.demo.personaFile && { personaFile: config.demo.personaFile }),
    ...(config.demo.vocabularyDir && { vocabularyDir: config.demo.vocabularyDir }),
    ...(config.embeddings && { embeddings: config.embeddings }),
    logger,
  };
}
