import { pinyin } from 'pinyin-pro';
import type { TermWeight } from './bm25-postings.ts';
import { foldSyllable } from './pinyin-terms.ts';

const HAN_WORD = /^\p{Script=Han}+$/u;
const LATIN_WORD = /^[a-z]+$/;
/** Longest word, in syllables, a pinyin run or a homophone typo is matched against. */
const MAX_WORD_SYLLABLES = 4;

/**
 * What one knowledge base's own documents say about its domain, learned when it is indexed:
 * the words its questions, similar questions, answers and passages use, and how each of them
 * sounds. Nothing here is a shipped list, so a clinic's 社保卡 is as much in its domain as a
 * store's 运费 is in the store's.
 * - `coverage`: how much of a question's informative weight falls on words the knowledge base
 *   uses, or, in part, on characters its words use. A question that shares little of its
 *   vocabulary is probably about another business.
 * - `correct`: typo candidates from the documents' words: a run of pinyin typed for want of an
 *   input method (duojiu fahuo) and a homophone that is no Chinese word at all (发漂) are rewritten
 *   to the knowledge base's word that sounds the same (多久 发货, 发票).
 */
export interface VocabularyOptions {
  /** Whether a string is a word of general Chinese (jieba's dictionary); typos are not. */
  isGeneralWord: (text: string) => boolean;
  /** Words that carry no topic (the stopwords), read below the documents' words. */
  fillerWords?: Iterable<string>;
  /** Toneless, folded syllables of a Han word, one per character (TextAnalyzer.reading). */
  readingOf: (word: string) => string[];
  /** Every token of a text as jieba cuts it, stopwords included (TextAnalyzer.cut). */
  cut: (text: string) => string[];
}

/** Words a knowledge base does not use but relates to its own (KnowledgeThesaurus), and how much of each counts as its. */
export interface RelatedWords {
  words: ReadonlySet<string>;
  credit: number;
}

const NO_RELATED_WORDS: RelatedWords = { words: new Set(), credit: 0 };

export class KnowledgeVocabulary {
  private constructor(
    /** Word → number of units (keys, passages) that use it. */
    private readonly words: ReadonlyMap<string, number>,
    /** The Han characters of those words. */
    private readonly characters: ReadonlySet<string>,
    /** Toneless, folded syllables of a Han word of the documents, space-joined → that word. */
    private readonly readings: ReadonlyMap<string, string>,
    /** The same for two one-character words that stand side by side in the documents (洗 | 牙). */
    private readonly spanReadings: ReadonlyMap<string, string>,
    /** Whether a string is a word of general Chinese (jieba's dictionary); typos are not. */
    private readonly isGeneralWord: (text: string) => boolean,
    private readonly readingOf: (word: string) => string[],
    private readonly cut: (text: string) => string[],
    private readonly fillerWords: ReadonlySet<string>,
  ) {}

  /** `units`: the words of each indexed unit, as the analyzer gives them (see KnowledgeVocabularyBuilder). */
  static build(units: Iterable<readonly string[]>, options: VocabularyOptions): KnowledgeVocabulary {
    const builder = new KnowledgeVocabularyBuilder();
    for (const unit of units) builder.add(unit);
    return builder.build(options);
  }

  /**
   * From the number of units each word is in and each pair of one-character words stands side by
   * side in. `fillerWords` (the stopwords) carry no topic but are typed in pinyin too (zenme, ma):
   * they are read as well, below any word of the documents that sounds the same.
   */
  static fromCounts(
    words: ReadonlyMap<string, number>,
    spans: ReadonlyMap<string, number>,
    options: VocabularyOptions,
  ): KnowledgeVocabulary {
    const { isGeneralWord, readingOf, cut } = options;
    const fillerWords = new Set(options.fillerWords);
    const readings = new Map<string, { word: string; uses: number }>();
    for (const [word, uses] of [...[...fillerWords].map((word) => [word, 0] as const), ...words]) {
      const length = [...word].length;
      if (length > MAX_WORD_SYLLABLES || !HAN_WORD.test(word)) continue;
      const key = readingOf(word).join(' ');
      // Two words that sound alike: the one the documents use more is the likelier intent.
      if ((readings.get(key)?.uses ?? -1) < uses) readings.set(key, { word, uses });
    }
    // Two one-character words side by side in the documents (洗牙, which jieba cuts 洗 | 牙) spell
    // what a pinyin word may mean when no word of the documents reads so; never a homophone
    // correction. Only such pairs are kept: every pair of characters of 50,000 passages would cost
    // a hundred megabytes.
    const spanReadings = new Map<string, { word: string; uses: number }>();
    for (const [span, uses] of spans) {
      if (!HAN_WORD.test(span)) continue;
      const key = readingOf(span).join(' ');
      if ((spanReadings.get(key)?.uses ?? -1) < uses) spanReadings.set(key, { word: span, uses });
    }
    const plain = (map: Map<string, { word: string }>) => new Map([...map].map(([key, { word }]) => [key, word]));
    const characters = new Set<string>();
    for (const word of words.keys()) if (HAN_WORD.test(word)) for (const char of word) characters.add(char);
    return new KnowledgeVocabulary(words, characters, plain(readings), plain(spanReadings), isGeneralWord, readingOf, cut, fillerWords);
  }

  get size(): number {
    return this.words.size;
  }

  knows(word: string): boolean {
    return this.words.has(word);
  }

  /** Every word the knowledge base uses. */
  knownWords(): IterableIterator<string> {
    return this.words.keys();
  }

  /**
   * Share (0..1) of the words' informative weight (`weight`, e.g. general-Chinese IDF) carried by
   * words the knowledge base uses; 1 for a text with no words. A Han word it does not use counts
   * `characterCredit` (0..1) of its weight times the share of its characters that its words use,
   * or `related.credit` of it if it is one of `related.words` (a synonym of its words), if more.
   */
  coverage(words: readonly string[], weight: TermWeight, characterCredit = 0, related: RelatedWords = NO_RELATED_WORDS): number {
    let total = 0;
    let known = 0;
    for (const word of new Set(words)) {
      const w = weight(word);
      total += w;
      if (this.words.has(word)) {
        known += w;
        continue;
      }
      const byCharacters = characterCredit > 0 && HAN_WORD.test(word) ? characterCredit * this.characterShare(word) : 0;
      known += w * Math.max(byCharacters, related.words.has(word) ? related.credit : 0);
    }
    return total === 0 ? 1 : known / total;
  }

  private characterShare(word: string): number {
    const chars = [...word];
    return chars.filter((char) => this.characters.has(char)).length / chars.length;
  }

  /** The normalized text (TextAnalyzer.normalize) with pinyin runs and homophone typos rewritten. */
  correct(normalized: string): string {
    const parts = normalized.split(' ');
    const out: string[] = [];
    for (let i = 0; i < parts.length; ) {
      if (LATIN_WORD.test(parts[i]!)) {
        let end = i;
        while (end < parts.length && LATIN_WORD.test(parts[end]!)) end++;
        const run = parts.slice(i, end);
        out.push(this.fromPinyin(run) ?? run.join(' '));
        i = end;
        continue;
      }
      out.push(HAN_WORD.test(parts[i]!) ? this.fixHomophones(parts[i]!) : parts[i]!);
      i++;
    }
    return out.join(' ');
  }

  /**
   * Latin words that read as pinyin syllables all covered by words of the documents, as those
   * words; otherwise undefined (an English word, a model number, pinyin of nothing here).
   */
  private fromPinyin(run: readonly string[]): string | undefined {
    const words: string[] = [];
    for (const token of run) {
      const split = splitPinyin(token);
      if (split === undefined) return undefined;
      const syllables = split.map(foldSyllable);
      // A lone syllable (qian, ma) is the documents' most used one-character word read so; inside
      // a longer token (xiya) only words of two syllables or more, which are far less ambiguous.
      const minLength = syllables.length === 1 ? 1 : 2;
      for (let at = 0; at < syllables.length; ) {
        const match = this.longestReading(syllables, at, minLength) ?? this.longestReading(syllables, at, 2, undefined, this.spanReadings);
        if (match === undefined) return undefined;
        words.push(match.word);
        at += match.length;
      }
    }
    return words.join(' ');
  }

  /**
   * A stretch of Han text that is no word of general Chinese nor of the documents, but sounds like
   * a word of the documents, is taken for that word (发漂 → 发票). Real words are never rewritten:
   * 时间 stays 时间 even where the documents say 实践. Nor is part of one: the stretch must be
   * characters jieba found no word in, which is what a misspelled word falls apart into (发|漂),
   * or a token of jieba's that is no word of general Chinese (拉圾, a misspelling its dictionary
   * keeps); a stretch across a word's edge reads like something far too often (退货的 → 退 获得,
   * 可以寄 → 可 以及, 租户交 → 租 呼叫). A stretch of filler words alone (想在) is no misspelled
   * word either, whatever it reads like (现在).
   */
  private fixHomophones(text: string): string {
    const chars = [...text];
    if (chars.length < 2) return text;
    const syllables = this.readingOf(text);
    if (syllables.length !== chars.length) return text;
    // A stretch is a candidate when it starts and ends where jieba's tokens do and every token in it
    // is a lone character or no word at all (拉圾, which jieba's dictionary keeps as a misspelling).
    // Cut only once some stretch reads like a word of the documents: most questions have none.
    let tokens: { loose: boolean[]; starts: Set<number> } | undefined;
    const tokensOf = () => {
      if (tokens) return tokens;
      tokens = { loose: [], starts: new Set([chars.length]) };
      for (const token of this.cut(text)) {
        const length = [...token].length;
        tokens.starts.add(tokens.loose.length);
        const isWord = length > 1 && (this.words.has(token) || this.isGeneralWord(token));
        for (let i = 0; i < length; i++) tokens.loose.push(!isWord);
      }
      return tokens;
    };
    let out = '';
    for (let at = 0; at < chars.length; ) {
      const match = this.longestReading(syllables, at, 2, (length) => {
        const stretch = chars.slice(at, at + length);
        const written = stretch.join('');
        if (this.words.has(written) || this.isGeneralWord(written) || stretch.every((char) => this.fillerWords.has(char))) return false;
        const { loose, starts } = tokensOf();
        return starts.has(at) && starts.has(at + length) && loose.slice(at, at + length).every(Boolean);
      });
      if (match === undefined) {
        out += chars[at]!;
        at++;
        continue;
      }
      out += ` ${match.word} `;
      at += match.length;
    }
    return out.trim().replace(/ +/g, ' ');
  }

  private longestReading(
    syllables: readonly string[],
    at: number,
    minLength: number,
    accept: (length: number) => boolean = () => true,
    readings: ReadonlyMap<string, string> = this.readings,
  ): { word: string; length: number } | undefined {
    for (let length = Math.min(MAX_WORD_SYLLABLES, syllables.length - at); length >= minLength; length--) {
      const word = readings.get(syllables.slice(at, at + length).join(' '));
      if (word !== undefined && accept(length)) return { word, length };
    }
    return undefined;
  }
}

/**
 * Counts the words of a knowledge base's units as they are indexed, one unit at a time, so the
 * index build need not keep every unit's words (hundreds of megabytes at 500,000 chunks) until the end.
 */
export class KnowledgeVocabularyBuilder {
  private readonly words = new Map<string, number>();
  private readonly spans = new Map<string, number>();

  add(unit: readonly string[]): void {
    for (const word of new Set(unit)) this.words.set(word, (this.words.get(word) ?? 0) + 1);
    for (let i = 0; i + 1 < unit.length; i++) {
      const pair = unit[i]! + unit[i + 1]!;
      if (pair.length === 2) this.spans.set(pair, (this.spans.get(pair) ?? 0) + 1);
    }
  }

  build(options: VocabularyOptions): KnowledgeVocabulary {
    return KnowledgeVocabulary.fromCounts(this.words, this.spans, options);
  }
}

let syllableInventory: ReadonlySet<string> | undefined;

/**
 * Every toneless syllable pinyin-pro reads a CJK Unified Ideograph as, built on first use (~0.5 s;
 * only a question typed in Latin letters needs it). Readings without a vowel (m, ng, hm) are
 * interjections that would let any consonant pass for a syllable, so they are left out.
 */
function syllables(): ReadonlySet<string> {
  if (syllableInventory === undefined) {
    const found = new Set<string>();
    for (let code = 0x4e00; code <= 0x9fff; code++) {
      for (const reading of pinyin(String.fromCharCode(code), { toneType: 'none', type: 'array', v: true, multiple: true })) {
        if (/^[a-z]+$/.test(reading) && /[aeiouv]/.test(reading)) found.add(reading);
      }
    }
    syllableInventory = found;
  }
  return syllableInventory;
}

/** The word split into the fewest pinyin syllables (xian = xian, not xi an), or undefined. */
export function splitPinyin(word: string): string[] | undefined {
  const inventory = syllables();
  // best[i]: the fewest syllables spelling word[0, i).
  const best: (string[] | undefined)[] = [[]];
  for (let end = 1; end <= word.length; end++) {
    for (let start = Math.max(0, end - 6); start < end; start++) {
      const before = best[start];
      const syllable = word.slice(start, end);
      if (before === undefined || !inventory.has(syllable)) continue;
      if (best[end] === undefined || before.length + 1 < best[end]!.length) best[end] = [...before, syllable];
    }
  }
  return best[word.length];
}
