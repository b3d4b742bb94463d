import { Bm25PostingsBuilder, type Bm25Postings, type Bm25Parameters, type TermWeight } from './bm25-postings.ts';
import { type FieldUnits, TermCursor } from './term-cursor.ts';
import type { AnalyzedText } from './text-analyzer.ts';

export type Channel = keyof AnalyzedText;
const NO_RELATED_WORDS: ReadonlyMap<string, number> = new Map();
export const CHANNELS: readonly Channel[] = ['words', 'charGrams', 'chars', 'pinyinGrams', 'concepts'];

/**
 * The concept channel's weight usually comes with the concept lexicon, so it may be left out; a
 * character channel left out is off.
 */
export type ChannelWeights = Record<Exclude<Channel, 'concepts' | 'chars'>, number> & { concepts?: number; chars?: number };

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
 * so scores are comparable across queries and can be thresholded. A unit's score is summed in
 * float32, channel by channel and term by term in the query's order, times its unit weight.
 */
export class LexicalField implements FieldUnits {
  /** The largest unit weight: with a term's largest weight, it bounds what the term adds. */
  private readonly largestUnitWeight: number;
  /** Whether no chunk has more than one unit here (an index of passages). */
  readonly oneUnitEach: boolean;

  constructor(
    private readonly postings: Record<Channel, Bm25Postings>,
    readonly unitChunk: Int32Array,
    readonly firstUnits: Int32Array,
    /** Multiplier of each unit's score (FAQ answers count less than questions). */
    readonly unitWeight: Float32Array,
    private readonly scoring: FieldScoring,
  ) {
    this.largestUnitWeight = unitWeight.reduce((largest, weight) => Math.max(largest, weight), 0);
    this.oneUnitEach = firstUnits.every((first, chunk) => chunk === 0 || first - firstUnits[chunk - 1]! <= 1);
  }

  get unitCount(): number {
    return this.unitChunk.length;
  }

  /**
   * A cursor on each query term's postings, in the order a unit's score adds them (channel by
   * channel, the query's terms in order). `share` is the part of a chunk's score the field's
   * units make at most, which bounds what a term adds to a chunk. `relatedWords` are words the
   * query does not say but means (KnowledgeThesaurus), each with its weight below 1: they are
   * matched in the word channel after the query's own words, and count nothing in the query's
   * self-score, so a unit that has one scores part of what it would have scored with the word said.
   */
  cursors(query: AnalyzedText, share: number, relatedWords: ReadonlyMap<string, number> = NO_RELATED_WORDS): TermCursor[] {
    const { channelWeights, unknownTermWeight, unitCoverage } = this.scoring;
    // A channel the field does not index (the character channel of FAQ keys) has no say in it.
    const weightOf = (channel: Channel) => (this.postings[channel].empty ? 0 : (channelWeights[channel] ?? 0));
    const weightSum = CHANNELS.reduce((sum, c) => sum + weightOf(c), 0);
    const cursors: TermCursor[] = [];
    for (const channel of CHANNELS) {
      const terms = query[channel];
      const unique = [...new Set(terms)];
      const postings = this.postings[channel];
      const querySelf = postings.selfScore(unique, terms.length, unknownTermWeight);
      if (querySelf === 0 || weightOf(channel) === 0) continue;
      // Postings already carry the unit's share of the normalization (see Bm25PostingsBuilder);
      // the query's share is folded in here, so all channels add into one sum.
      const scale = weightOf(channel) / weightSum / querySelf ** (1 - unitCoverage);
      const chunkScale = scale * this.largestUnitWeight * share;
      const { offsets, units, weights, maxWeights } = postings;
      const add = (term: string, weight: number) => {
        const id = postings.termId(term);
        if (id === undefined) return;
        const termScale = scale * weight;
        const termChunkScale = chunkScale * weight;
        cursors.push(
          new TermCursor(this, units, weights, offsets[id]!, offsets[id + 1]!, termScale, termChunkScale, termChunkScale * maxWeights[id]!),
        );
      };
      for (const term of unique) add(term, 1);
      if (channel === 'words') for (const [term, weight] of relatedWords) if (!unique.includes(term)) add(term, weight);
    }
    return cursors;
  }
}

/** Adds units one by one (see Bm25PostingsBuilder for why), then freezes them into a field. */
export class LexicalFieldBuilder {
  private readonly builders: Record<Channel, Bm25PostingsBuilder> = {
    words: new Bm25PostingsBuilder(),
    charGrams: new Bm25PostingsBuilder(),
    chars: new Bm25PostingsBuilder(),
    pinyinGrams: new Bm25PostingsBuilder(),
    concepts: new Bm25PostingsBuilder(),
  };
  private readonly unitChunk: number[] = [];
  private readonly unitWeight: number[] = [];

  /** `channels`: the channels the field indexes; the others stay empty and have no say in its scores. */
  constructor(private readonly channels: readonly Channel[] = CHANNELS) {}

  /** Adds a unit and returns its number; units come chunk by chunk, in the chunks' order. */
  add(chunk: number, weight: number, terms: AnalyzedText): number {
    for (const channel of this.channels) this.builders[channel].add(terms[channel]);
    this.unitChunk.push(chunk);
    this.unitWeight.push(weight);
    return this.unitChunk.length - 1;
  }

  /** `chunkCount`: chunks of the index, some of which may have no unit in this field. */
  build(scoring: FieldScoring, chunkCount: number): LexicalField {
    const { bm25, wordWeight, unitCoverage } = scoring;
    const postings = {
      words: this.builders.words.build(bm25, wordWeight, unitCoverage),
      charGrams: this.builders.charGrams.build(bm25, undefined, unitCoverage),
      chars: this.builders.chars.build(bm25, undefined, unitCoverage),
      pinyinGrams: this.builders.pinyinGrams.build(bm25, undefined, unitCoverage),
      concepts: this.builders.concepts.build(bm25, undefined, unitCoverage),
    };
    // Units are added chunk by chunk, so counting them per chunk gives where each chunk's units start.
    const firstUnits = new Int32Array(chunkCount + 1);
    for (const chunk of this.unitChunk) firstUnits[chunk + 1]!++;
    for (let chunk = 0; chunk < chunkCount; chunk++) firstUnits[chunk + 1]! += firstUnits[chunk]!;
    return new LexicalField(postings, Int32Array.from(this.unitChunk), firstUnits, Float32Array.from(this.unitWeight), scoring);
  }
}
