import type { Logger } from 'pino';
import { type Database, whileHoldingLock } from '../../db/connect.ts';
import type { Embedder } from '../embeddings/embedder.ts';
import { importDocument } from './import-document.ts';
import { KnowledgeStore } from './knowledge-store.ts';

/** Any fixed number: the advisory lock under which one starting process seeds the demo. */
const DEMO_SEED_LOCK_KEY = 7_314_160;

/**
 * On first start the `default` knowledge base is empty: fill it with the demo store's FAQ so the
 * bot answers out of the box. Never touches a knowledge base that has content (or had it removed
 * on purpose and was filled with something else).
 *
 * Several api and worker processes may start at once against one PostgreSQL. Each import makes a
 * new version, so processes that all saw the knowledge base empty imported the demo once each
 * (found by test/knowledge/demo-seed-race.test.ts on a slow machine). The check and the import
 * run under one advisory lock: the first process imports, the others then find it filled.
 */
export async function seedDemoKnowledgeBase(
  db: Database,
  file: string,
  options: { embedder?: Embedder; logger?: Logger } = {},
): Promise<boolean> {
  const store = new KnowledgeStore(db);
  return whileHoldingLock(db, DEMO_SEED_LOCK_KEY, async () => {
    if ((await store.countActiveChunks('default')) > 0) return false;
    const result = await importDocument(file, { kbName: 'default', store, embedder: options.embedder });
    options.logger?.info({ file, chunks: result.chunks }, 'default knowledge base was empty: demo knowledge base imported');
    return true;
  });
}
