import type { SearchHit } from './types.ts';

/**
 * Reciprocal rank fusion (Cormack et al., SIGIR 2009): score(d) = Σ weight / (k + rank(d)).
 * It uses ranks only, so lists whose scores live on different scales (BM25-style lexical scores,
 * cosine similarities from an embeddings endpoint) fuse without calibration. k = 60 is the value
 * from the paper; it keeps one list's top hit from drowning out agreement between lists.
 *
 * The fused score is only good for ordering: a confidence threshold must still be applied to a
 * calibrated score (the lexical hit's, or the model's), never to an RRF score.
 */
export interface RrfOptions {
  k?: number;
  /** One weight per list, default 1 each. */
  weights?: number[];
  /** How many fused hits to return; default all. */
  limit?: number;
}

export function rrf(lists: SearchHit[][], options: RrfOptions = {}): SearchHit[] {
  const k = options.k ?? 60;
  const fused = new Map<string, SearchHit>();
  lists.forEach((list, listIndex) => {
    const weight = options.weights?.[listIndex] ?? 1;
    const seen = new Set<string>();
    list.forEach((hit, rank) => {
      // A list that repeats a chunk counts it once, at its best rank.
      if (seen.has(hit.chunkId)) return;
      seen.add(hit.chunkId);
      const contribution = weight / (k + rank + 1);
      const current = fused.get(hit.chunkId);
      if (current) current.score += contribution;
      else fused.set(hit.chunkId, { ...hit, score: contribution });
    });
  });
  const ranked = [...fused.values()].sort((a, b) => b.score - a.score);
  return options.limit === undefined ? ranked : ranked.slice(0, options.limit);
}
