import { DEFAULT_BM25 } from './bm25-postings.ts';
import { type KnowledgeVocabulary, KnowledgeVocabularyBuilder } from './knowledge-vocabulary.ts';
import { LexicalFieldBuilder, type FieldScoring, type LexicalField } from './lexical-field.ts';
import { type AnalyzedText, TextAnalyzer } from './text-analyzer.ts';
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
  /**
   * Out-of-scope evidence learned from the knowledge base: a question whose informative words
   * (by `wordWeight`) are less than `inDomainCoverage` words the knowledge base uses has its
   * scores scaled down, down to `outOfDomainFactor` when it shares none (1 = no evidence).
   */
  outOfDomainFactor?: number;
  inDomainCoverage?: number;
  /** Whether a string is a word of general Chinese; other strings may be typos of the KB's words. */
  isGeneralWord?: (text: string) => boolean;
}

/** Fields of a chunk's scratch record (see LexicalIndex). */
const CHUNK_FIELDS = 4;
const STAMP = 0;
const KEY_SCORE = 1;
const KEY_UNIT = 2;
const ENTRY_SCORE = 3;

const DEFAULTS: Required<LexicalIndexOptions> = {
  channelWeights: { words: 0.5, charGrams: 0.3, pinyinGrams: 0.2 },
  unknownTermWeight: 1,
  bm25: DEFAULT_BM25,
  wordWeight: () => 1,
  answerKeyWeight: 0.6,
  entryWeight: 0.7,
  unitCoverage: 0.5,
  outOfDomainFactor: 1,
  inDomainCoverage: 0.5,
  // Every string a word: no homophone is taken for a typo unless the caller knows the language.
  isGeneralWord: () => true,
};

/**
 * Hybrid lexical retrieval over FAQ entries and text chunks, in process. Each FAQ question,
 * similar question and (down-weighted) answer is a key, and each entry is also scored whole; a
 * passage is one key. Scores are comparable across queries, so the top one can be thresholded.
 */
export class LexicalIndex implements Retriever {
  private readonly hasEntryUnit: Uint8Array;
  // Per-chunk scratch, allocated once: a record of four 32-bit fields per chunk (STAMP, KEY_SCORE,
  // KEY_UNIT, ENTRY_SCORE), read through an Int32 and a Float32 view of one buffer, so a chunk
  // reached at random costs one cache line, not four.
  private readonly chunkInts: Int32Array;
  private readonly chunkFloats: Float32Array;
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
    /** The knowledge base's own words: its domain, and the typo candidates of a question. */
    readonly vocabulary: KnowledgeVocabulary,
    private readonly domainSettings: Pick<Required<LexicalIndexOptions>, 'outOfDomainFactor' | 'inDomainCoverage' | 'wordWeight'>,
  ) {
    const n = chunks.length;
    this.hasEntryUnit = new Uint8Array(n);
    for (const chunk of entryChunks) this.hasEntryUnit[chunk] = 1;
    const records = new ArrayBuffer(n * 4 * CHUNK_FIELDS);
    this.chunkInts = new Int32Array(records);
    this.chunkFloats = new Float32Array(records);
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
    const vocabulary = new KnowledgeVocabularyBuilder();
    const addKey = (chunk: number, text: string, weight: number) => {
      const analyzed = analyzer.analyze(text);
      keys.add(chunk, weight, analyzed);
      keyText.push(text);
      vocabulary.add(analyzed.words);
    };
    chunks.forEach((chunk, index) => {
      const questions = chunk.questions ?? [];
      if (questions.length === 0) {
        addKey(index, chunk.text, 1);
        return;
      }
      for (const question of questions) addKey(index, question, 1);
      if (chunk.answer && settings.answerKeyWeight > 0) addKey(index, chunk.answer, settings.answerKeyWeight);
      else if (chunk.answer) vocabulary.add(analyzer.tokens(chunk.answer));
      entries.add(index, 1, analyzer.analyze([...questions, chunk.answer ?? ''].join('\n')));
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
      vocabulary.build({
        isGeneralWord: settings.isGeneralWord,
        fillerWords: analyzer.stopwords,
        // Bound, not an arrow: an arrow made here would keep this function's whole scope (the
        // builders' arrays, tens of megabytes) alive as long as the index.
        readingOf: analyzer.reading.bind(analyzer),
      }),
      settings,
    );
  }

  get size(): number {
    return this.chunks.length;
  }

  search(query: string, k: number): SearchHit[] {
    if (k <= 0) return [];
    const analyzed = this.analyzer.analyze(this.vocabulary.correct(TextAnalyzer.normalize(query)));
    const stamp = ++this.stamp;
    // These loops run once per matching unit (hundreds of thousands at 500,000 chunks): locals, no callbacks.
    const { chunkInts, chunkFloats, touched: touchedChunks, keys, entries } = this;
    let touched = 0;
    const keyCount = keys.score(analyzed);
    for (let i = 0; i < keyCount; i++) {
      const unit = keys.touched[i]!;
      const chunk = keys.unitChunk[unit]!;
      const score = keys.scoreOf(unit);
      const at = chunk * CHUNK_FIELDS;
      if (chunkInts[at + STAMP] !== stamp) {
        chunkInts[at + STAMP] = stamp;
        chunkFloats[at + KEY_SCORE] = 0;
        chunkInts[at + KEY_UNIT] = -1;
        chunkFloats[at + ENTRY_SCORE] = 0;
        touchedChunks[touched++] = chunk;
      }
      if (score > chunkFloats[at + KEY_SCORE]!) {
        chunkFloats[at + KEY_SCORE] = score;
        chunkInts[at + KEY_UNIT] = unit;
      }
    }
    const entryCount = entries.score(analyzed);
    for (let i = 0; i < entryCount; i++) {
      const unit = entries.touched[i]!;
      const chunk = entries.unitChunk[unit]!;
      const at = chunk * CHUNK_FIELDS;
      if (chunkInts[at + STAMP] !== stamp) {
        chunkInts[at + STAMP] = stamp;
        chunkFloats[at + KEY_SCORE] = 0;
        chunkInts[at + KEY_UNIT] = -1;
        touchedChunks[touched++] = chunk;
      }
      chunkFloats[at + ENTRY_SCORE] = entries.scoreOf(unit);
    }
    return this.topChunks(touched, k, this.domainFactor(analyzed));
  }

  /**
   * Negative evidence: a question that shares little of its informative vocabulary with this
   * knowledge base is probably about another business, however many words it shares with some
   * entry (「去北京的机票多少钱」 asked of a dental clinic that lists its prices).
   */
  private domainFactor(query: AnalyzedText): number {
    const { outOfDomainFactor, inDomainCoverage, wordWeight } = this.domainSettings;
    // A concept of the company's own lexicon is its vocabulary too, however the question words it.
    if (outOfDomainFactor >= 1 || query.concepts.length > 0) return 1;
    const coverage = this.vocabulary.coverage(query.words, wordWeight);
    // Geometric between outOfDomainFactor (nothing shared) and 1 (inDomainCoverage shared): each
    // informative word the knowledge base never uses costs a like share of the score.
    return outOfDomainFactor ** (1 - Math.min(1, coverage / inDomainCoverage));
  }

  private combinedScore(chunk: number): number {
    const key = this.chunkFloats[chunk * CHUNK_FIELDS + KEY_SCORE]!;
    if (this.hasEntryUnit[chunk] === 0) return key;
    return (1 - this.entryWeight) * key + this.entryWeight * this.chunkFloats[chunk * CHUNK_FIELDS + ENTRY_SCORE]!;
  }

  /** Top k by insertion into a k-long list: k is small, the touched set may be large. */
  private topChunks(touched: number, k: number, domainFactor: number): SearchHit[] {
    const top: { chunk: number; score: number }[] = [];
    for (let i = 0; i < touched; i++) {
      const chunk = this.touched[i]!;
      const score = this.combinedScore(chunk) * domainFactor;
      if (top.length === k && score <= top[k - 1]!.score) continue;
      let at = top.length === k ? k - 1 : top.length;
      while (at > 0 && top[at - 1]!.score < score) {
        top[at] = top[at - 1]!;
        at--;
      }
      top[at] = { chunk, score };
    }
    return top.map(({ chunk, score }) => {
      const unit = this.chunkInts[chunk * CHUNK_FIELDS + KEY_UNIT]!;
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
