import { DEFAULT_BM25 } from './bm25-postings.ts';
import { LexicalFieldBuilder, type FieldScoring, type LexicalField } from './lexical-field.ts';
import type { DomainEvidence, TextAnalyzer } from './text-analyzer.ts';
import type { IndexedChunk, Retriever, SearchHit } from './types.ts';

export interface LexicalIndexOptions extends Partial<FieldScoring> {
  /**
   * Weight of an FAQ answer as a key, relative to its questions (0 = answers not keys).
   * Answers mention things customers ask about (顺丰, 花呗) but also much they do not.
   */
  answerKeyWeight?: number;
  /**
   * Share of an FAQ entry's score that comes from the entry as a whole (all its questions and
   * its answer as one text) rather than from its best single key. Matching the whole entry
   * credits a question whose words are spread over several similar questions; the best key
   * keeps a close paraphrase of one question on top.
   */
  entryWeight?: number;
}

const DEFAULTS: Required<LexicalIndexOptions> = {
  channelWeights: { words: 0.5, charGrams: 0.3, pinyinGrams: 0.2 },
  unknownTermWeight: 1,
  bm25: DEFAULT_BM25,
  wordWeight: () => 1,
  answerKeyWeight: 0.6,
  entryWeight: 0.7,
  unitCoverage: 0.5,
};

/**
 * Hybrid lexical retrieval over FAQ entries and text chunks, in process. Each FAQ question,
 * similar question and (down-weighted) answer is a key, and each entry is also scored whole; a
 * passage is one key. Scores are comparable across queries, so the top one can be thresholded.
 */
export class LexicalIndex implements Retriever {
  private readonly hasEntryUnit: Uint8Array;
  // Per-chunk scratch, allocated once.
  private readonly keyScore: Float32Array;
  private readonly keyUnit: Int32Array;
  private readonly entryScore: Float32Array;
  private readonly chunkStamp: Int32Array;
  private readonly touched: Int32Array;
  private stamp = 0;

  private constructor(
    private readonly analyzer: TextAnalyzer,
    readonly chunks: readonly IndexedChunk[],
    private readonly keys: LexicalField,
    private readonly keyText: readonly string[],
    /** Whole-entry units, FAQ entries only. */
    private readonly entries: LexicalField,
    entryChunks: readonly number[],
    private readonly entryWeight: number,
    /** Chunk → the foreign words its text uses; only chunks that use any (few) are listed. */
    private readonly chunkForeignWords: ReadonlyMap<number, ReadonlySet<string>>,
  ) {
    const n = chunks.length;
    this.hasEntryUnit = new Uint8Array(n);
    for (const chunk of entryChunks) this.hasEntryUnit[chunk] = 1;
    this.keyScore = new Float32Array(n);
    this.keyUnit = new Int32Array(n);
    this.entryScore = new Float32Array(n);
    this.chunkStamp = new Int32Array(n);
    this.touched = new Int32Array(n);
  }

  static build(chunks: readonly IndexedChunk[], analyzer: TextAnalyzer, options: LexicalIndexOptions = {}): LexicalIndex {
    const settings = {
      ...DEFAULTS,
      ...options,
      channelWeights: { concepts: analyzer.conceptWeight, ...(options.channelWeights ?? DEFAULTS.channelWeights) },
    };
    const keys = new LexicalFieldBuilder();
    const keyText: string[] = [];
    const entries = new LexicalFieldBuilder();
    const chunkForeignWords = new Map<number, Set<string>>();
    const addKey = (chunk: number, text: string, weight: number) => {
      keys.add(chunk, weight, analyzer.analyze(text));
      keyText.push(text);
    };
    // Called right after analyzing the chunk's whole text, whose concept match the analyzer kept.
    const noteForeignWords = (chunk: number, text: string) => {
      const words = analyzer.foreignWords(text);
      if (words.length > 0) chunkForeignWords.set(chunk, new Set(words));
    };
    chunks.forEach((chunk, index) => {
      const questions = chunk.questions ?? [];
      if (questions.length === 0) {
        addKey(index, chunk.text, 1);
        noteForeignWords(index, chunk.text);
        return;
      }
      for (const question of questions) addKey(index, question, 1);
      if (chunk.answer && settings.answerKeyWeight > 0) addKey(index, chunk.answer, settings.answerKeyWeight);
      const entryText = [...questions, chunk.answer ?? ''].join('\n');
      entries.add(index, 1, analyzer.analyze(entryText));
      noteForeignWords(index, entryText);
    });
    return new LexicalIndex(
      analyzer,
      chunks,
      keys.build(settings),
      keyText,
      // A whole entry is long: only how much of the query it covers counts.
      entries.build({ ...settings, unitCoverage: 0 }),
      entries.chunksWithUnits,
      settings.entryWeight,
      chunkForeignWords,
    );
  }

  get size(): number {
    return this.chunks.length;
  }

  search(query: string, k: number): SearchHit[] {
    if (k <= 0) return [];
    const analyzed = this.analyzer.analyze(query);
    const stamp = ++this.stamp;
    let touched = 0;
    const touch = (chunk: number) => {
      if (this.chunkStamp[chunk] === stamp) return;
      this.chunkStamp[chunk] = stamp;
      this.keyScore[chunk] = 0;
      this.keyUnit[chunk] = -1;
      this.entryScore[chunk] = 0;
      this.touched[touched++] = chunk;
    };
    this.keys.score(analyzed, (chunk, unit, score) => {
      touch(chunk);
      if (score > this.keyScore[chunk]!) {
        this.keyScore[chunk] = score;
        this.keyUnit[chunk] = unit;
      }
    });
    this.entries.score(analyzed, (chunk, _unit, score) => {
      touch(chunk);
      this.entryScore[chunk] = score;
    });
    // Negative evidence: a question about nothing of the store's domain, or about another
    // business's, is probably out of scope however many words it shares with some entry.
    return this.topChunks(touched, k, this.analyzer.domainEvidence(query));
  }

  /** The multiplier of a chunk's score from the question's domain evidence (see DomainEvidence). */
  private domainScale(chunk: number, domain: DomainEvidence): number {
    if (domain.foreignWords.length === 0) return domain.factor;
    const uses = this.chunkForeignWords.get(chunk);
    const usesAll = uses !== undefined && domain.foreignWords.every((word) => uses.has(word));
    return usesAll ? domain.factor : domain.factor * domain.foreignFactor;
  }

  private combinedScore(chunk: number): number {
    const key = this.keyScore[chunk]!;
    if (this.hasEntryUnit[chunk] === 0) return key;
    return (1 - this.entryWeight) * key + this.entryWeight * this.entryScore[chunk]!;
  }

  /** Top k by insertion into a k-long list: k is small, the touched set may be large. */
  private topChunks(touched: number, k: number, domain: DomainEvidence): SearchHit[] {
    const top: { chunk: number; score: number }[] = [];
    for (let i = 0; i < touched; i++) {
      const chunk = this.touched[i]!;
      const score = this.combinedScore(chunk) * this.domainScale(chunk, domain);
      if (top.length === k && score <= top[k - 1]!.score) continue;
      let at = top.length === k ? k - 1 : top.length;
      while (at > 0 && top[at - 1]!.score < score) {
        top[at] = top[at - 1]!;
        at--;
      }
      top[at] = { chunk, score };
    }
    return top.map(({ chunk, score }) => {
      const unit = this.keyUnit[chunk]!;
      return {
        chunkId: this.chunks[chunk]!.id,
        score,
        chunk: this.chunks[chunk]!,
        // A chunk matched only as a whole entry shows its standard question.
        matchedText: unit >= 0 ? this.keyText[unit]! : (this.chunks[chunk]!.questions?.[0] ?? this.chunks[chunk]!.text),
      };
    });
  }
}
