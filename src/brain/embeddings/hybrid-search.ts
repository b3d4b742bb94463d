import type { Logger } from 'pino';
import { rrf } from '../retrieval/rrf.ts';
import type { Retriever, SearchHit } from '../retrieval/types.ts';
import type { DenseIndex } from './dense-index.ts';
import type { Embedder } from './embedder.ts';

/** The hits of each retrieval channel for one query, and their fusion (the search's answer). */
export interface RetrievalChannels {
  lexical: SearchHit[];
  /** Absent without vectors, or when embedding the query failed. */
  dense?: SearchHit[];
  fused: SearchHit[];
}

/**
 * Lexical and dense results fused by reciprocal rank. Without vectors (no embeddings endpoint,
 * or the knowledge base was imported before one was configured) it is the lexical search alone;
 * if embedding the query fails, it degrades to lexical for that query rather than fail the turn.
 */
export class HybridSearch {
  constructor(
    private readonly lexical: Retriever,
    private readonly dense?: DenseIndex,
    private readonly embedder?: Embedder,
    private readonly logger?: Logger,
  ) {}

  get hasVectors(): boolean {
    return this.dense !== undefined && this.embedder !== undefined;
  }

  async search(query: string, k: number): Promise<SearchHit[]> {
    return (await this.explain(query, k)).fused;
  }

  /**
   * The search with what each channel found on its own (the console's 「试一试」): `fused` is
   * exactly what `search` returns; `lexical` and `dense` are the lists fused, with their own scores.
   */
  async explain(query: string, k: number): Promise<RetrievalChannels> {
    // Each list contributes more than k so that a chunk ranked well by both can surface.
    const depth = Math.max(k * 3, 10);
    const lexical = this.lexical.search(query, depth);
    if (!this.dense || !this.embedder) return { lexical, fused: lexical.slice(0, k) };
    let queryVector: number[];
    try {
      queryVector = await this.embedder.embedQuery(query);
    } catch (err) {
      this.logger?.warn({ err }, 'embedding the query failed; lexical results only');
      return { lexical, fused: lexical.slice(0, k) };
    }
    const dense = this.dense.search(queryVector, depth);
    return { lexical, dense, fused: rrf([lexical, dense], { limit: k }) };
  }
}
