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
    // Several processes starting at once against one PostgreSQL race here: the first to insert the
    // document wins and the others fail on its unique index while it is still importing. They wait
    // for its version to go live rather than fail to start (found by test/faults/api-crash.fault.ts).
    if (await filledWithin(store, WINNER_IMPORT_WAIT_MS)) return false;
    throw err;
  }
}

/** Far longer than importing the demo (~1 s); a winner that died meanwhile leaves this start failing. */
const WINNER_IMPORT_WAIT_MS = 60_000;

async function filledWithin(store: KnowledgeStore, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  for (;;) {
    if ((await store.countActiveChunks('default')) > 0) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
