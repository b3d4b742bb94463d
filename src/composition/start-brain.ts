import type { Redis } from 'ioredis';
import { kbChangedChannel } from '../brain/knowledge/kb-change-feed.ts';
import { type KnowledgeSetup, type LoadedKnowledge, loadBrain } from '../brain/load-brain.ts';
import type { Brain } from '../brain/types.ts';
import type { Config } from '../config/env.ts';
import { conversationSummaries } from '../conversations/conversation-summary.ts';
import type { Database } from '../db/connect.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';
import { followKbChanges } from './follow-kb-changes.ts';

/**
 * The brain of a worker process: knowledge-base indexes loaded from the database (the demo KB
 * imported first when `default` is empty), kept current by the kb-changed feed, and the model
 * brain in front when LLM_* is configured (with the offline brain beside it, for spent budgets).
 */
export async function startBrain(
  config: Config,
  db: Database,
  kbChanges: { subscriber: Redis; prefix: string },
  metrics: Metrics,
  logger: Logger,
): Promise<{ brain: Brain; knowledgeOnlyBrain?: Brain; knowledge: LoadedKnowledge }> {
  const { env } = config;
  const feed = await followKbChanges(kbChanges.subscriber, kbChanges.prefix, logger);
  const loaded = await loadBrain({
    ...knowledgeSetup(config, db, logger),
    ...(config.demo.knowledgeFile && { demoFile: config.demo.knowledgeFile }),
    ...(config.model && { model: config.model }),
    memory: { recentTokens: env.MEMORY_RECENT_TOKENS, summaryTokens: env.MEMORY_SUMMARY_TOKENS },
    summaries: conversationSummaries(db),
    observer: {
      latency: (model, seconds) => metrics.modelLatency.observe({ model }, seconds),
      tokens: (model, kind, count) => metrics.modelTokens.inc({ model, kind }, count),
      error: (model, code) => metrics.modelErrors.inc({ model, code }),
    },
  });
  feed.attach(loaded.indexes);
  logger.info(
    {
      mode: config.model ? `model ${config.model.model}` : 'offline',
      embeddings: config.embeddings?.model ?? null,
      feed: kbChangedChannel(kbChanges.prefix),
    },
    'brain ready',
  );
  // Customers whose model budget is spent are answered by the offline brain alone.
  return { brain: loaded.brain, ...(config.model && { knowledgeOnlyBrain: loaded.offline }), knowledge: loaded };
}

/** What the knowledge bases are loaded with, in a worker and in an API process alike (no demo import: workers do that). */
export function knowledgeSetup(config: Config, db: Database, logger: Logger): KnowledgeSetup {
  const { env } = config;
  return {
    db,
    configDir: env.BRAIN_CONFIG_DIR,
    promptsDir: env.PROMPTS_DIR,
    fallbackText: env.FALLBACK_TEXT,
    ...(config.demo.personaFile && { personaFile: config.demo.personaFile }),
    ...(config.embeddings && { embeddings: config.embeddings }),
    logger,
  };
}
