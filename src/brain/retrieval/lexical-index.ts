import { DEFAULT_BM25 } from './bm25-postings.ts';
import type { CedictGlosses } from './cedict-glosses.ts';
import { KnowledgeThesaurus } from './knowledge-thesaurus.ts';
import { type KnowledgeVocabulary, KnowledgeVocabularyBuilder } from './knowledge-vocabulary.ts';
import { CHANNELS, LexicalFieldBuilder, type FieldScoring, type LexicalField } from './lexical-field.ts';
import { MaxScoreSearch, type ScoredChunk } from './max-score.ts';
import type { TermCursor } from './term-cursor.ts';
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
  /**
   * 0..1: how much of a question's word the knowledge base never uses still counts as in its domain,
   * for the share of the word's characters the knowledge base's words use. A colloquial word
   * usually shares characters with the word the documents use (车库 / 车位, 渗血 / 出血, 小孩子 /
   * 孩子); another business's topic less often (机票 and a clinic).
   */
  characterCredit?: number;
  /** Whether a string is a word of general Chinese; other strings may be typos of the KB's words. */
  isGeneralWord?: (text: string) => boolean;
  /**
   * A general thesaurus (CC-CEDICT's glosses; undefined = none): a question's word the knowledge
   * base never uses also matches, at `thesaurusWeight` (0..1) of a word said, the knowledge base's
   * words that share a gloss with it that at most `thesaurusMostHeadwords` headwords have, and counts
   * `thesaurusWeight` of itself as in the domain (see characterCredit). Asked for only when
   * `thesaurusWeight` is above 0, so with 0 the dictionary is never read.
   */
  glosses?: () => CedictGlosses;
  thesaurusWeight?: number;
  thesaurusMostHeadwords?: number;
}

const DEFAULTS: Required<Omit<LexicalIndexOptions, 'glosses'>> = {
  channelWeights: { words: 0.5, charGrams: 0.3, pinyinGrams: 0.2 },
  unknownTermWeight: 1,
  bm25: DEFAULT_BM25,
  wordWeight: () => 1,
  answerKeyWeight: 0.6,
  entryWeight: 0.7,
  unitCoverage: 0.5,
  outOfDomainFactor: 1,
  inDomainCoverage: 0.5,
  characterCredit: 0,
  // Every string a word: no homophone is taken for a typo unless the caller knows the language.
  isGeneralWord: () => true,
  thesaurusWeight: 0.7,
  thesaurusMostHeadwords: 20,
};

/**
 * Hybrid lexical retrieval over FAQ entries and text chunks, in process. Each FAQ question,
 * similar question and (down-weighted) answer is a key, and each entry is also scored whole; a
 * passage is one key. Scores are comparable across queries, so the top one can be thresholded.
 */
export class LexicalIndex implements Retriever {
  /** The most of a chunk's score its best key makes: all of a passage's, 1 − entryWeight of an FAQ entry's. */
  private readonly keyShare: number;
  private readonly pruning: MaxScoreSearch;
  // Scratch for scoring one chunk's units, allocated once.
  private readonly unitSums: Float32Array;
  private readonly unitStamps: Int32Array;
  private readonly unitOrder: Int32Array;
  /** How many of unitOrder the last sumUnits filled. */
  private reachedUnits = 0;
  private stamp = 0;

  private constructor(
    private readonly analyzer: TextAnalyzer,
    readonly chunks: readonly IndexedChunk[],
    readonly keys: LexicalField,
    private readonly keyText: readonly string[],
    /** Whole-entry units, FAQ entries only. */
    readonly entries: LexicalField,
    private readonly entryWeight: number,
    /** The knowledge base's own words: its domain, and the typo candidates of a question. */
    readonly vocabulary: KnowledgeVocabulary,
    private readonly domainSettings: Pick<
      Required<LexicalIndexOptions>,
      'outOfDomainFactor' | 'inDomainCoverage' | 'characterCredit' | 'wordWeight' | 'thesaurusWeight'
    >,
    /** Undefined without a thesaurus. */
    private readonly thesaurus: KnowledgeThesaurus | undefined,
  ) {
    let mostUnits = 1;
    for (const field of [keys, entries]) {
      for (let chunk = 0; chunk < chunks.length; chunk++) {
        mostUnits = Math.max(mostUnits, field.firstUnits[chunk + 1]! - field.firstUnits[chunk]!);
      }
    }
    this.keyShare = chunks.every((_, chunk) => this.hasEntryUnit(chunk)) ? 1 - entryWeight : 1;
    this.pruning = new MaxScoreSearch(chunks.length);
    this.unitSums = new Float32Array(mostUnits);
    this.unitStamps = new Int32Array(mostUnits);
    this.unitOrder = new Int32Array(mostUnits);
  }

  static build(chunks: readonly IndexedChunk[], analyzer: TextAnalyzer, options: LexicalIndexOptions = {}): LexicalIndex {
    const settings = {
      ...DEFAULTS,
      ...options,
      channelWeights: { concepts: analyzer.conceptWeight, ...(options.channelWeights ?? DEFAULTS.channelWeights) },
    };
    // Characters one by one are indexed over whole FAQ entries only: a colloquial word's character
    // is evidence about an entry, whichever of its questions says it, and over keys and passages
    // the channel cost a third more index memory and half again the query time (50,000 passages).
    const keys = new LexicalFieldBuilder(CHANNELS.filter((channel) => channel !== 'chars'));
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
    const knowledgeVocabulary = vocabulary.build({
      isGeneralWord: settings.isGeneralWord,
      fillerWords: analyzer.stopwords,
      // Bound, not an arrow: an arrow made here would keep this function's whole scope (the
      // builders' arrays, tens of megabytes) alive as long as the index.
      readingOf: analyzer.reading.bind(analyzer),
      cut: analyzer.cut.bind(analyzer),
    });
    const glosses = settings.thesaurusWeight > 0 ? options.glosses?.() : undefined;
    return new LexicalIndex(
      analyzer,
      chunks,
      keys.build(settings, chunks.length),
      keyText,
      // A whole entry is long: only how much of the query it covers counts.
      entries.build({ ...settings, unitCoverage: 0 }, chunks.length),
      settings.entryWeight,
      knowledgeVocabulary,
      settings,
      glosses && KnowledgeThesaurus.build(glosses, knowledgeVocabulary.knownWords(), settings.thesaurusMostHeadwords),
    );
  }

  get size(): number {
    return this.chunks.length;
  }

  search(query: string, k: number): SearchHit[] {
    if (k <= 0) return [];
    const analyzed = this.analyzer.analyze(this.vocabulary.correct(TextAnalyzer.normalize(query)));
    const related = this.relatedWords(analyzed.words);
    const keyCursors = this.keys.cursors(analyzed, this.keyShare, related.words);
    const entryCursors = this.entries.cursors(analyzed, this.entryWeight, related.words);
    const domainFactor = this.domainFactor(analyzed, related.from);
    const top = this.pruning.topK([...keyCursors, ...entryCursors], k, domainFactor, (chunk, into) =>
      this.scoreChunk(chunk, keyCursors, entryCursors, domainFactor, into),
    );
    return top.map(({ chunk, score, keyUnit }) => ({
      chunkId: this.chunks[chunk]!.id,
      score,
      chunk: this.chunks[chunk]!,
      // A chunk matched only as a whole entry shows its standard question.
      matchedText: keyUnit >= 0 ? this.keyText[keyUnit]! : (this.chunks[chunk]!.questions?.[0] ?? this.chunks[chunk]!.text),
    }));
  }

  /**
   * The knowledge base's words the thesaurus relates to the question's words it never uses, each at
   * thesaurusWeight, and the question's words that related some (`from`).
   */
  relatedWords(words: readonly string[]): { words: Map<string, number>; from: Set<string> } {
    const related = { words: new Map<string, number>(), from: new Set<string>() };
    if (this.thesaurus === undefined) return related;
    for (const word of words) {
      if (this.vocabulary.knows(word)) continue;
      for (const known of this.thesaurus.related(word)) {
        related.words.set(known, this.domainSettings.thesaurusWeight);
        related.from.add(word);
      }
    }
    return related;
  }

  /**
   * Negative evidence: a question that shares little of its informative vocabulary with this
   * knowledge base is probably about another business, however many words it shares with some
   * entry (「去北京的机票多少钱」 asked of a dental clinic that lists its prices).
   */
  private domainFactor(query: AnalyzedText, relatedFrom: ReadonlySet<string>): number {
    const { outOfDomainFactor, inDomainCoverage, characterCredit, wordWeight, thesaurusWeight } = this.domainSettings;
    // A concept of the company's own lexicon is its vocabulary too, however the question words it.
    if (outOfDomainFactor >= 1 || query.concepts.length > 0) return 1;
    const coverage = this.vocabulary.coverage(query.words, wordWeight, characterCredit, { words: relatedFrom, credit: thesaurusWeight });
    // Geometric between outOfDomainFactor (nothing shared) and 1 (inDomainCoverage shared): each
    // informative word the knowledge base never uses costs a like share of the score.
    return outOfDomainFactor ** (1 - Math.min(1, coverage / inDomainCoverage));
  }

  /**
   * A chunk's score: its best key's, mixed with its whole entry's for an FAQ entry, times the
   * domain factor. Every float is made as a walk of all postings makes it, term by term in the
   * cursors' order, so that pruning changes which chunks are scored, never a score. `reach` is
   * the chunk's place in that walk's order (keys first, then entries; by term, then by unit),
   * which decides ties.
   */
  private scoreChunk(
    chunk: number,
    keyCursors: readonly TermCursor[],
    entryCursors: readonly TermCursor[],
    domainFactor: number,
    into: ScoredChunk,
  ): void {
    const { keys, entries } = this;
    let key = 0;
    let keyUnit = -1;
    let reach = this.sumUnits(keys, chunk, keyCursors);
    for (let i = 0, first = keys.firstUnits[chunk]!; i < this.reachedUnits; i++) {
      const unit = first + this.unitOrder[i]!;
      // The best key is kept as float32, so a later key scoring the same can still pass it.
      const score = this.unitSums[this.unitOrder[i]!]! * keys.unitWeight[unit]!;
      if (score > key) {
        key = Math.fround(score);
        keyUnit = unit;
      }
    }
    let score = key;
    if (this.hasEntryUnit(chunk)) {
      let entry = 0;
      const entryReach = this.sumUnits(entries, chunk, entryCursors);
      if (reach === Infinity) reach = keyCursors.length * keys.unitCount + entryReach;
      for (let i = 0, first = entries.firstUnits[chunk]!; i < this.reachedUnits; i++) {
        entry = Math.fround(this.unitSums[this.unitOrder[i]!]! * entries.unitWeight[first + this.unitOrder[i]!]!);
      }
      score = (1 - this.entryWeight) * key + this.entryWeight * entry;
    }
    into.chunk = chunk;
    into.score = score * domainFactor;
    into.reach = reach;
    into.keyUnit = keyUnit;
  }

  /**
   * Sums the chunk's units in `field` (into unitSums, by unit minus the chunk's first unit) over
   * the cursors at the chunk, and returns where the walk first reached the chunk (Infinity if not).
   */
  private sumUnits(field: LexicalField, chunk: number, cursors: readonly TermCursor[]): number {
    const stamp = ++this.stamp;
    const { unitSums, unitStamps, unitOrder } = this;
    const first = field.firstUnits[chunk]!;
    const next = field.firstUnits[chunk + 1]!;
    let count = 0;
    let reach = Infinity;
    for (let term = 0; term < cursors.length; term++) {
      const cursor = cursors[term]!;
      if (cursor.chunk !== chunk) continue;
      const { units, weights, end, scale } = cursor;
      for (let p = cursor.at; p < end && units[p]! < next; p++) {
        const i = units[p]! - first;
        if (unitStamps[i] !== stamp) {
          unitStamps[i] = stamp;
          unitSums[i] = 0;
          unitOrder[count++] = i;
          if (reach === Infinity) reach = term * field.unitCount + units[p]!;
        }
        unitSums[i] = unitSums[i]! + weights[p]! * scale;
      }
    }
    this.reachedUnits = count;
    return reach;
  }

  private hasEntryUnit(chunk: number): boolean {
    return this.entries.firstUnits[chunk + 1]! > this.entries.firstUnits[chunk]!;
  }
}
