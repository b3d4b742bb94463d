/** The units of a field and the chunks they belong to, as a cursor needs them. */
export interface FieldUnits {
  /** Chunk index of each unit. */
  readonly unitChunk: Int32Array;
  /** The units of chunk c are firstUnits[c] .. firstUnits[c + 1]: units are numbered in chunk order. */
  readonly firstUnits: Int32Array;
}

/** Past the last chunk: larger than any chunk index, so "the smallest chunk" needs no special case. */
export const NO_CHUNK = 0x7fffffff;

/**
 * One query term's postings in one field and channel, read forward chunk by chunk, as dynamic
 * pruning (max-score.ts) reads them. Postings are sorted by unit and units are numbered in chunk
 * order, so they are sorted by chunk too.
 */
export class TermCursor {
  /** The posting the cursor is at. */
  at: number;
  /** The chunk of that posting, or NO_CHUNK past the end. */
  chunk = NO_CHUNK;

  constructor(
    private readonly field: FieldUnits,
    readonly units: Int32Array,
    readonly weights: Float32Array,
    start: number,
    readonly end: number,
    /** A posting's weight times this is what it adds to its unit's score. */
    readonly scale: number,
    /** A posting's weight times this bounds what it adds to its chunk's score. */
    private readonly chunkScale: number,
    /** The most the term adds to any chunk's score: chunkScale times its largest weight. */
    readonly bound: number,
  ) {
    this.at = start;
    this.settle();
  }

  /** The most the term's postings in the current chunk add to its score. */
  chunkBound(): number {
    const { units, weights, end } = this;
    const next = this.field.firstUnits[this.chunk + 1]!;
    let largest = 0;
    for (let p = this.at; p < end && units[p]! < next; p++) largest = Math.max(largest, weights[p]!);
    return largest * this.chunkScale;
  }

  /** Moves past the current chunk. */
  next(): void {
    const { units, end } = this;
    const next = this.field.firstUnits[this.chunk + 1]!;
    let p = this.at;
    while (p < end && units[p]! < next) p++;
    this.at = p;
    this.settle();
  }

  /**
   * Moves to the first posting of `chunk` or of a later chunk. Galloping (steps doubling, then
   * halving): a skipped stretch of a common term is long, but most seeks land a few postings on.
   */
  seek(chunk: number): void {
    if (this.chunk >= chunk) return;
    const { units, end } = this;
    const target = this.field.firstUnits[chunk]!;
    let low = this.at;
    let step = 1;
    while (low + step < end && units[low + step]! < target) {
      low += step;
      step *= 2;
    }
    // units[low] < target; the first posting at or past the target is in (low, min(low + step, end)].
    let high = Math.min(low + step, end);
    while (high - low > 1) {
      const middle = (low + high) >>> 1;
      if (units[middle]! < target) low = middle;
      else high = middle;
    }
    this.at = high;
    this.settle();
  }

  private settle(): void {
    this.chunk = this.at < this.end ? this.field.unitChunk[this.units[this.at]!]! : NO_CHUNK;
  }
}
