import type { Embedder } from '../brain/embeddings/embedder.ts';
import type { Database } from '../db/connect.ts';
import type { Logger } from '../observability/logger.ts';

/** What the console's knowledge operations need: the database, the embedder of imports, and the kb-changed feed. */
export interface KnowledgeAdminDeps {
  db: Database;
  /** Embeds uploaded chunks, as `kb import` does, when an embeddings endpoint is configured. */
  embedder?: Embedder;
  /** Tells every process holding indexes to reload `kbName` (the kb-changed feed `kb import` uses), this one before it returns. */
  announce(kbName: string): Promise<unknown>;
  logger: Logger;
}

/**
 * Announces a committed change. The change stands whether or not the announcement goes out: if
 * Redis is away, the processes that missed it reload everything when their subscription comes back.
 */
export async function announceChange(deps: KnowledgeAdminDeps, kbName: string): Promise<void> {
  try {
    await deps.announce(kbName);
  } catch (err) {
    deps.logger.warn({ err, knowledgeBase: kbName }, 'announcing a knowledge-base change failed; workers reload when Redis is back');
  }
}
