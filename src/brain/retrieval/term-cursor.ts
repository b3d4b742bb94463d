/** The units of a field and the chunks they belong to, as a cursor needs them. */
export interface FieldUnits {
  /** Chunk index of each unit. */
  readonly unitChunk: Int32Array;
  /** The units of chunk c are firstUnits[c] .. firstUnits[c + 1]: units are numbered in chunk order. */
  readonly firstUnits: Int32Array;
  /** Whether no chunk has more than one unit (passages). */
  readonly oneUnitEach: boolean;
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

  /**
   * For each chunk in [start, end) the term reaches, marks it in `marked` (a bit per chunk from
   * `start`) and adds the most the term adds to it to `bounds[chunk - start]`, which is set when
   * the chunk is first marked. The cursor does not move.
   */
  markChunkBounds(start: number, end: number, bounds: Float64Array, marked: Uint32Array): void {
    const { units, weights, chunkScale } = this;
    const { unitChunk } = this.field;
    const stop = this.positionOf(end);
    const oneUnitEach = this.field.oneUnitEach;
    for (let p = this.at; p < stop; p++) {
      const chunk = unitChunk[units[p]!]!;
      let largest = weights[p]!;
      // Several units of one chunk (an FAQ entry's keys): the largest weight bounds its best key.
      if (!oneUnitEach) while (p + 1 < stop && unitChunk[units[p + 1]!] === chunk) largest = Math.max(largest, weights[++p]!);
      const offset = chunk - start;
      const bit = 1 << (offset & 31);
      if ((marked[offset >>> 5]! & bit) === 0) {
        marked[offset >>> 5]! |= bit;
        bounds[offset] = largest * chunkScale;
      } else bounds[offset]! += largest * chunkScale;
    }
  }

  /** The most the term's postings in the current chunk add to its score. */
  chunkBound(): number {
    const { units, weights, end } = this;
    const next = this.field.firstUnits[this.chunk + 1]!;
    let largest = 0;
    for (let p = this.at; p < end && units[p]! < next; p++) largest = Math.max(largest, weights[p]!);
    return largest * this.chunkScale;
  }

  /**
   * Moves to the first posting of `chunk` or of a later chunk.
   */
  seek(chunk: number): void {
    if (this.chunk >= chunk) return;
    this.at = this.positionOf(chunk);
    this.settle();
  }

  /**
   * The first posting at or after the cursor of `chunk` or a later chunk. Galloping (steps
   * doubling, then halving): a skipped stretch of a common term is long, but most seeks land a
   * few postings on.
   */
  private positionOf(chunk: number): number {
    const { units, end } = this;
    const target = this.field.firstUnits[chunk]!;
    let low = this.at;
    if (low >= end || units[low]! >= target) return low;
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
    return high;
  }

  private settle(): void {
    this.chunk = this.at < this.end ? this.field.unitChunk[this.units[this.at]!]! : NO_CHUNK;
  }
}
