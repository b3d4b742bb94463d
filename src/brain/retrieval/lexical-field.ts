import { Bm25PostingsBuilder, type Bm25Postings, type Bm25Parameters, type TermWeight } from './bm25-postings.ts';
import type { AnalyzedText } from './text-analyzer.ts';

export type Channel = keyof AnalyzedText;
export const CHANNELS: readonly Channel[] = ['words', 'charGrams', 'pinyinGrams', 'concepts'];

/** The concept channel's weight usually comes with the concept lexicon, so it may be left out. */
export type ChannelWeights = Record<Exclude<Channel, 'concepts'>, number> & { concepts?: number };

export interface FieldScoring {
  /** Relative weight of each channel; they are normalized to sum 1. */
  channelWeights: ChannelWeights;
  /** How much a query term the field has never seen counts against a match (0..1). */
  unknownTermWeight: number;
  bm25: Bm25Parameters;
  /** Prior informativeness of words; applies to the word channel only. */
  wordWeight: TermWeight;
  /**
   * 0..1: how much a unit's score also depends on how much of the *unit* the query covers.
   * 0 = query coverage only; 0.5 = their geometric mean, like a cosine. Short FAQ keys need
   * some: otherwise 「你叫什么名字」 fully "covers" itself in 「收件人名字写错了」.
   */
  unitCoverage: number;
}

/**
 * A set of searchable units (an FAQ key, an FAQ entry as a whole, a passage) scored on the four
 * lexical channels. Per channel, the BM25 score divided by the query's self-score says how much of
 * the query the unit covers (1 = all of it), divided by the unit's self-score how much of the
 * unit the query covers; a unit's score is the weighted sum over channels of a blend of the two,
 * so scores are comparable across queries and can be thresholded.
 */
export class LexicalField {
  private readonly postings: Record<Channel, Bm25Postings>;
  // Scratch space allocated once: a query touches only the postings of its own terms. A unit's
  // stamp and score sit side by side (the Int32 and Float32 views of one buffer, index 2u and
  // 2u + 1), so a posting of a unit reached at random costs one cache line, not two.
  private readonly unitScore: Float32Array;
  private readonly unitStamp: Int32Array;
  /** After `score`: the units it reached, in the order first reached. */
  readonly touched: Int32Array;
  private stamp = 0;

  constructor(
    postings: Record<Channel, Bm25Postings>,
    /** Chunk index of each unit. */
    readonly unitChunk: Int32Array,
    /** Multiplier of each unit's score (FAQ answers count less than questions). */
    private readonly unitWeight: Float32Array,
    private readonly scoring: FieldScoring,
  ) {
    this.postings = postings;
    const scratch = new ArrayBuffer(unitChunk.length * 8);
    this.unitScore = new Float32Array(scratch);
    this.unitStamp = new Int32Array(scratch);
    this.touched = new Int32Array(unitChunk.length);
  }

  /** A unit's score in the last `score`; valid for the units in `touched`. */
  scoreOf(unit: number): number {
    return this.unitScore[2 * unit + 1]! * this.unitWeight[unit]!;
  }

  /**
   * Scores every unit sharing a term with the query and returns how many there are: their numbers
   * are `touched[0..n)`, their scores `scoreOf(unit)`. The caller reads them in a plain loop: a
   * callback per unit cost as much as walking the postings.
   */
  score(query: AnalyzedText): number {
    const stamp = ++this.stamp;
    const { channelWeights, unknownTermWeight, unitCoverage } = this.scoring;
    const weightOf = (channel: Channel) => channelWeights[channel] ?? 0;
    const weightSum = CHANNELS.reduce((sum, c) => sum + weightOf(c), 0);
    // The loops below run once per posting (a million at 500,000 chunks): everything they read
    // is in a local, which the compiler keeps in registers.
    const { unitScore, unitStamp, touched: touchedUnits } = this;
    let touched = 0;
    for (const channel of CHANNELS) {
      const terms = query[channel];
      const unique = [...new Set(terms)];
      const postings = this.postings[channel];
      const querySelf = postings.selfScore(unique, terms.length, unknownTermWeight);
      if (querySelf === 0 || weightOf(channel) === 0) continue;
      // Postings already carry the unit's share of the normalization (see Bm25PostingsBuilder);
      // the query's share is folded in here, so all channels add into one sum.
      const scale = weightOf(channel) / weightSum / querySelf ** (1 - unitCoverage);
      const { offsets, units, weights } = postings;
      for (const term of unique) {
        const id = postings.termId(term);
        if (id === undefined) continue;
        for (let p = offsets[id]!, end = offsets[id + 1]!; p < end; p++) {
          const unit = units[p]!;
          const at = 2 * unit;
          if (unitStamp[at] !== stamp) {
            unitStamp[at] = stamp;
            unitScore[at + 1] = 0;
            touchedUnits[touched++] = unit;
          }
          unitScore[at + 1] = unitScore[at + 1]! + weights[p]! * scale;
        }
      }
    }
    return touched;
  }
}

/** Adds units one by one (see Bm25PostingsBuilder for why), then freezes them into a field. */
export class LexicalFieldBuilder {
  private readonly builders: Record<Channel, Bm25PostingsBuilder> = {
    words: new Bm25PostingsBuilder(),
    charGrams: new Bm25PostingsBuilder(),
    pinyinGrams: new Bm25PostingsBuilder(),
    concepts: new Bm25PostingsBuilder(),
  };
  private readonly unitChunk: number[] = [];
  private readonly unitWeight: number[] = [];

  /** Adds a unit and returns its number. */
  add(chunk: number, weight: number, terms: AnalyzedText): number {
    for (const channel of CHANNELS) this.builders[channel].add(terms[channel]);
    this.unitChunk.push(chunk);
    this.unitWeight.push(weight);
    return this.unitChunk.length - 1;
  }

  get chunksWithUnits(): readonly number[] {
    return this.unitChunk;
  }

  build(scoring: FieldScoring): LexicalField {
    const { bm25, wordWeight, unitCoverage } = scoring;
    const postings = {
      words: this.builders.words.build(bm25, wordWeight, unitCoverage),
      charGrams: this.builders.charGrams.build(bm25, undefined, unitCoverage),
      pinyinGrams: this.builders.pinyinGrams.build(bm25, undefined, unitCoverage),
      concepts: this.builders.concepts.build(bm25, undefined, unitCoverage),
    };
    return new LexicalField(postings, Int32Array.from(this.unitChunk), Float32Array.from(this.unitWeight), scoring);
  }
}
