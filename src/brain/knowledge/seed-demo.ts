import type { Logger } from 'pino';
import { importDocument } from './import-document.ts';
import type { KnowledgeStore } from './knowledge-store.ts';
import type { Embedder } from '../embeddings/embedder.ts';

/**
 * On first start the `default` knowledge base is empty: fill it with the demo store's FAQ so the
 * bot answers out of the box. Never touches a knowledge base that has content (or had it removed
 * on purpose and was filled with something else).
 */
export async function seedDemoKnowledgeBase(
  store: KnowledgeStore,
  file: string,
  options: { embedder?: Embedder; logger?: Logger } = {},
): Promise<boolean> {
  if ((await store.countActiveChunks('default')) > 0) return false;
  try {
    const result = await importDocument(file, { kbName: 'default', store, embedder: options.embedder });
    options.logger?.info({ file, chunks: result.chunks }, 'default knowledge base was empty: demo knowledge base imported');
    return true;
  } catch (err) {
    // Several processes starting at once against one PostgreSQL race here; one of them wins.
    if ((await store.countActiveChunks('default')) > 0) return false;
    throw err;
  }
}
