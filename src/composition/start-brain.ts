import type { Redis } from 'ioredis';
import { kbChangedChannel, subscribeKbChanges } from '../brain/knowledge/kb-change-feed.ts';
import { loadBrain } from '../brain/load-brain.ts';
import type { Brain } from '../brain/types.ts';
import type { Config } from '../config/env.ts';
import { conversationSummaries } from '../conversations/conversation-summary.ts';
import type { Database } from '../db/connect.ts';
import type { Logger } from '../observability/logger.ts';
import type { Metrics } from '../observability/metrics.ts';

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
): Promise<{ brain: Brain; knowledgeOnlyBrain?: Brain }> {
  const { env } = config;
  const loaded = await loadBrain({
    db,
    configDir: env.BRAIN_CONFIG_DIR,
    promptsDir: env.PROMPTS_DIR,
    fallbackText: env.FALLBACK_TEXT,
    ...(config.demo.knowledgeFile && { demoFile: config.demo.knowledgeFile }),
    ...(config.demo.personaFile && { personaFile: config.demo.personaFile }),
    ...(config.embeddings && { embeddings: config.embeddings }),
    ...(config.model && { model: config.model }),
    memory: { recentTokens: env.MEMORY_RECENT_TOKENS, summaryTokens: env.MEMORY_SUMMARY_TOKENS },
    summaries: conversationSummaries(db),
    observer: {
      latency: (model, seconds) => metrics.modelLatency.observe({ model }, seconds),
      tokens: (model, kind, count) => metrics.modelTokens.inc({ model, kind }, count),
      error: (model, code) => metrics.modelErrors.inc({ model, code }),
    },
    logger,
  });
  const reload = (kbName: string) =>
    loaded.indexes
      .reload(kbName)
      .catch((err) => logger.error({ err, knowledgeBase: kbName }, 'reloading a knowledge base failed; the previous index keeps serving'));
  await subscribeKbChanges(kbChanges.subscriber, kbChanges.prefix, {
    changed: (kbName) => void reload(kbName),
    reconnected: () =>
      void loaded.indexes.loadAll().catch((err) => logger.error({ err }, 'reloading knowledge bases after a reconnect failed')),
  });
  logger.info(
    {
      mode: config.model ? `model ${config.model.model}` : 'offline',
      embeddings: config.embeddings?.model ?? null,
      feed: kbChangedChannel(kbChanges.prefix),
    },
    'brain ready',
  );
  // Customers whose model budget is spent are answered by the offline brain alone.
  return { brain: loaded.brain, ...(config.model && { knowledgeOnlyBrain: loaded.offline }) };
}
