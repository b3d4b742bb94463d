import { NO_CHUNK, type TermCursor } from './term-cursor.ts';

/** A chunk as ranked: its score, and its place in the order chunks are first reached, which breaks ties. */
export interface ScoredChunk {
  chunk: number;
  score: number;
  reach: number;
  /** The key unit that gave the chunk its score, or -1. */
  keyUnit: number;
}

/** Scores `chunk` exactly into `into`; it is called with every cursor at the chunk or past it. */
export type ScoreChunk = (chunk: number, into: ScoredChunk) => void;

/** Chunks per window: their bounds fit in the L1 cache, and the threshold is raised between windows. */
const WINDOW = 4096;

/**
 * The k best chunks by MaxScore (Turtle & Flood, "Query evaluation: strategies and
 * optimizations", 1995), exactly as scoring every chunk the query reaches would rank them.
 *
 * A chunk's score only grows with what each term adds to it (a sum, a largest key, a positive
 * weighted mix: see LexicalIndex), so it is at most the sum of its terms' bounds. Once the k-th
 * best score so far is above the sum of the smallest bounds, a chunk reached by those terms alone
 * cannot enter the top k: only the other ("essential") terms' postings propose chunks, and the
 * rest are looked up for a chunk whose bound still reaches the k-th score. A chunk that passes
 * is scored exactly by `scoreChunk`, in the order the full walk adds, so scores are the same to
 * the bit; ties go to the chunk reached first, as they did.
 *
 * Chunks are taken a window at a time, as Lucene's MaxScoreBulkScorer does: the essential terms'
 * postings in the window add their bounds into one array in a plain loop, then the chunks marked
 * there are checked in order. Finding the next chunk among several cursors, chunk by chunk, cost
 * more than the postings walk it saves.
 */
export class MaxScoreSearch {
  private readonly windowBounds = new Float64Array(WINDOW);
  private readonly windowChunks = new Uint32Array(WINDOW / 32);

  constructor(private readonly chunkCount: number) {}

  /**
   * `boundFactor` multiplies bounds into final scores (the question's domain factor); room is
   * added for float32 rounding, since a score is summed in float32, rounding each sum by up to
   * half an ulp either way.
   */
  topK(cursors: readonly TermCursor[], k: number, boundFactor: number, scoreChunk: ScoreChunk): ScoredChunk[] {
    const byBound = [...cursors].sort((a, b) => a.bound - b.bound);
    const n = byBound.length;
    // boundsBelow[i]: the sum of the i smallest bounds.
    const boundsBelow = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) boundsBelow[i + 1] = boundsBelow[i]! + byBound[i]!.bound;
    const scale = boundFactor * (1 + (n + 8) * 2 ** -23);
    const { windowBounds, windowChunks } = this;
    const top: ScoredChunk[] = [];
    const candidate: ScoredChunk = { chunk: 0, score: 0, reach: 0, keyUnit: -1 };
    let threshold = -Infinity;
    // byBound[0 .. essential) are the terms that alone cannot reach the threshold.
    let essential = 0;
    for (;;) {
      let start = NO_CHUNK;
      for (let i = essential; i < n; i++) start = Math.min(start, byBound[i]!.chunk);
      if (start === NO_CHUNK) break;
      const end = Math.min(start + WINDOW, this.chunkCount);
      for (let i = essential; i < n; i++) byBound[i]!.markChunkBounds(start, end, windowBounds, windowChunks);
      for (let word = 0; word < windowChunks.length; word++) {
        let bits = windowChunks[word]!;
        windowChunks[word] = 0;
        while (bits !== 0) {
          const offset = word * 32 + 31 - Math.clz32(bits & -bits);
          bits &= bits - 1;
          const chunk = start + offset;
          let partial = windowBounds[offset]!;
          let alive = (partial + boundsBelow[essential]!) * scale >= threshold;
          // The largest remaining bounds first: they are the likeliest to rule the chunk out.
          for (let i = essential - 1; alive && i >= 0; i--) {
            const cursor = byBound[i]!;
            cursor.seek(chunk);
            if (cursor.chunk === chunk) partial += cursor.chunkBound();
            alive = (partial + boundsBelow[i]!) * scale >= threshold;
          }
          if (!alive) continue;
          for (let i = essential; i < n; i++) byBound[i]!.seek(chunk);
          scoreChunk(chunk, candidate);
          if (enter(top, k, candidate) && top.length === k) threshold = top[k - 1]!.score;
        }
      }
      for (let i = essential; i < n; i++) byBound[i]!.seek(end);
      while (essential < n && boundsBelow[essential + 1]! * scale < threshold) essential++;
    }
    return top;
  }
}

/** Inserts a copy of `candidate` into `top` (best first, at most k) if it belongs there. */
function enter(top: ScoredChunk[], k: number, candidate: ScoredChunk): boolean {
  let at = top.length;
  while (at > 0 && ranksAbove(candidate, top[at - 1]!)) at--;
  if (at >= k) return false;
  top.splice(at, 0, { ...candidate });
  if (top.length > k) top.pop();
  return true;
}

function ranksAbove(a: ScoredChunk, b: ScoredChunk): boolean {
  return a.score > b.score || (a.score === b.score && a.reach < b.reach);
}
