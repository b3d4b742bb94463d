import type { Logger } from 'pino';
import { DenseIndex } from '../embeddings/dense-index.ts';
import type { Embedder } from '../embeddings/embedder.ts';
import { HybridSearch, type RetrievalChannels } from '../embeddings/hybrid-search.ts';
import type { IndexedChunk, Retriever, SearchHit } from '../retrieval/types.ts';
import type { KnowledgeStore } from './knowledge-store.ts';

export interface KnowledgeIndexesOptions {
  store: KnowledgeStore;
  /** Builds the lexical index (the retrieval settings, lexicon and analyzer are the caller's). */
  buildLexical: (chunks: readonly IndexedChunk[]) => Retriever;
  embedder?: Embedder;
  logger?: Logger;
}

const EMPTY: Retriever = { search: () => [] };

/**
 * The in-memory search indexes of every knowledge base, built from the database. `reload(kb)`
 * builds a fresh index beside the old one and swaps it in with one Map assignment: a query in
 * flight finishes on the old index, the next one uses the new. Reloads of one knowledge base
 * run one at a time; a change announced during a reload triggers one more.
 */
export class KnowledgeIndexes {
  /** Lexical retrievers by knowledge base: a live map the OfflineBrain reads on every question. */
  readonly lexical = new Map<string, Retriever>();
  private readonly hybrid = new Map<string, HybridSearch>();
  private readonly reloading = new Map<string, Promise<void>>();
  private readonly again = new Set<string>();

  constructor(private readonly options: KnowledgeIndexesOptions) {}

  /** Loads every knowledge base in the database (and `default`, even when it is empty). */
  async loadAll(): Promise<void> {
    const names = new Set(['default', ...(await this.options.store.listKnowledgeBases()).map((kb) => kb.name)]);
    for (const name of this.lexical.keys()) names.add(name);
    await Promise.all([...names].map((name) => this.reload(name)));
  }

  /** Rebuilds one knowledge base's index from the database and swaps it in. */
  reload(kbName: string): Promise<void> {
    const running = this.reloading.get(kbName);
    if (running) {
      this.again.add(kbName);
      return running;
    }
    const run = (async () => {
      try {
        do {
          this.again.delete(kbName);
          await this.build(kbName);
        } while (this.again.has(kbName));
      } finally {
        this.reloading.delete(kbName);
      }
    })();
    this.reloading.set(kbName, run);
    return run;
  }

  /** Hybrid (lexical + dense) search of one knowledge base; lexical only without vectors. */
  async search(kbName: string, query: string, k: number): Promise<SearchHit[]> {
    const hybrid = this.hybrid.get(kbName);
    return hybrid ? hybrid.search(query, k) : [];
  }

  /** The search of `search`, with each channel's own hits beside the fused ones. */
  async explain(kbName: string, query: string, k: number): Promise<RetrievalChannels> {
    const hybrid = this.hybrid.get(kbName);
    return hybrid ? hybrid.explain(query, k) : { lexical: [], fused: [] };
  }

  private async build(kbName: string): Promise<void> {
    const started = Date.now();
    const { store, embedder, logger } = this.options;
    const stored = await store.loadActiveChunks(kbName);
    const chunks: IndexedChunk[] = stored.map(({ embedding: _e, embeddingModel: _m, ...chunk }) => chunk);
    const lexical = chunks.length > 0 ? this.options.buildLexical(chunks) : EMPTY;
    // Vectors of another model (the operator switched EMBEDDING_MODEL) are not comparable: left out until re-imported.
    const dense = embedder
      ? DenseIndex.build(
          stored.map((c, i) => ({ chunk: chunks[i]!, embedding: c.embeddingModel === embedder.model ? c.embedding : undefined })),
        )
      : undefined;
    this.lexical.set(kbName, lexical);
    this.hybrid.set(kbName, new HybridSearch(lexical, dense, embedder, logger));
    logger?.info(
      { knowledgeBase: kbName, chunks: chunks.length, vectors: dense?.size ?? 0, ms: Date.now() - started },
      'knowledge base index loaded',
    );
  }
}
