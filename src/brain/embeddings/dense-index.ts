import type { IndexedChunk, SearchHit } from '../retrieval/types.ts';

/**
 * Chunk vectors held in memory as one normalized Float32Array; search is a brute-force dot
 * product (cosine on unit vectors). 50,000 chunks × 1,024 dimensions is 200 MB and a few
 * milliseconds per query: no ANN index is worth its complexity at knowledge-base sizes.
 */
export class DenseIndex {
  private constructor(
    private readonly chunks: IndexedChunk[],
    private readonly vectors: Float32Array,
    readonly dimensions: number,
  ) {}

  get size(): number {
    return this.chunks.length;
  }

  /** Chunks without a vector (imported before embeddings were configured) are left out. */
  static build(entries: ReadonlyArray<{ chunk: IndexedChunk; embedding?: number[] }>): DenseIndex | undefined {
    const withVectors = entries.filter((e) => e.embedding && e.embedding.length > 0);
    const dimensions = withVectors[0]?.embedding?.length ?? 0;
    const usable = withVectors.filter((e) => e.embedding!.length === dimensions);
    if (usable.length === 0) return undefined;
    const vectors = new Float32Array(usable.length * dimensions);
    for (const [i, e] of usable.entries()) vectors.set(normalize(e.embedding!), i * dimensions);
    return new DenseIndex(
      usable.map((e) => e.chunk),
      vectors,
      dimensions,
    );
  }

  search(query: readonly number[], k: number): SearchHit[] {
    if (query.length !== this.dimensions || k <= 0) return [];
    const q = normalize(query);
    const top: Array<{ index: number; score: number }> = [];
    for (let i = 0; i < this.chunks.length; i++) {
      let dot = 0;
      const offset = i * this.dimensions;
      for (let d = 0; d < this.dimensions; d++) dot += q[d]! * this.vectors[offset + d]!;
      if (top.length < k || dot > top[top.length - 1]!.score) {
        top.push({ index: i, score: dot });
        top.sort((a, b) => b.score - a.score);
        if (top.length > k) top.pop();
      }
    }
    return top.map(({ index, score }) => ({
      chunkId: this.chunks[index]!.id,
      score,
      chunk: this.chunks[index]!,
      matchedText: this.chunks[index]!.text,
    }));
  }
}

function normalize(vector: readonly number[]): Float32Array {
  const out = Float32Array.from(vector);
  let norm = 0;
  for (const v of out) norm += v * v;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < out.length; i++) out[i]! /= norm;
  return out;
}
