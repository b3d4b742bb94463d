import type { Logger } from 'pino';
import { rrf } from '../retrieval/rrf.ts';
import type { Retriever, SearchHit } from '../retrieval/types.ts';
import type { DenseIndex } from './dense-index.ts';
import type { Embedder } from './embedder.ts';

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
    // Each list contributes more than k so that a chunk ranked well by both can surface.
    const depth = Math.max(k * 3, 10);
    const lexicalHits = this.lexical.search(query, depth);
    if (!this.dense || !this.embedder) return lexicalHits.slice(0, k);
    let queryVector: number[];
    try {
      queryVector = await this.embedder.embedQuery(query);
    } catch (err) {
      this.logger?.warn({ err }, 'embedding the query failed; lexical results only');
      return lexicalHits.slice(0, k);
    }
    return rrf([lexicalHits, this.dense.search(queryVector, depth)], { limit: k });
  }
}
