import type { Redis } from 'ioredis';
import { subscribeKbChanges } from '../brain/knowledge/kb-change-feed.ts';
import type { KnowledgeIndexes } from '../brain/knowledge/knowledge-indexes.ts';
import type { Logger } from '../observability/logger.ts';

/**
 * Keeps a process's knowledge indexes current from the kb-changed feed (`npm run kb` announces each
 * change). It subscribes BEFORE the indexes load and is handed them once loaded: a change announced
 * while they load is applied then, where an index built from the database just before the change
 * would otherwise serve the old content until the next one.
 */
export async function followKbChanges(
  subscriber: Redis,
  prefix: string,
  logger: Logger,
): Promise<{ attach(indexes: KnowledgeIndexes): void }> {
  let indexes: KnowledgeIndexes | undefined;
  const missed = new Set<string>();
  let missedEverything = false;
  const reload = (target: KnowledgeIndexes, kbName: string) =>
    void target
      .reload(kbName)
      .catch((err) => logger.error({ err, knowledgeBase: kbName }, 'reloading a knowledge base failed; the previous index keeps serving'));
  const reloadAll = (target: KnowledgeIndexes) =>
    void target.loadAll().catch((err) => logger.error({ err }, 'reloading knowledge bases after a reconnect failed'));
  await subscribeKbChanges(subscriber, prefix, {
    changed: (kbName) => (indexes ? reload(indexes, kbName) : missed.add(kbName)),
    reconnected: () => (indexes ? reloadAll(indexes) : (missedEverything = true)),
  });
  return {
    attach(loaded) {
      indexes = loaded;
      if (missedEverything) reloadAll(loaded);
      else for (const kbName of missed) reload(loaded, kbName);
      missed.clear();
    },
  };
}
