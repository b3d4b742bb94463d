import type { Jieba } from '@node-rs/jieba';
import { ConceptMatcher } from './concept-matcher.ts';
import { foldCharacters } from './fold-characters.ts';
import type { Lexicon } from './lexicon.ts';
import { PinyinTerms } from './pinyin-terms.ts';
import { segmenterFor } from './segmenter.ts';

/**
 * Terms of one text for the five lexical channels. Each channel forgives a different mistake:
 * - words: jieba tokens rewritten to their synonym group's canonical form (快递费 → 运费), so
 *   paraphrases that swap words still match;
 * - charGrams: character bigrams of the canonical text, so a typo spoils one or two grams of a
 *   word instead of the whole word (物流信息好久没跟新 still shares 物流, 流信, 信息…);
 * - chars: the Han characters of the canonical text one by one: a colloquial word the knowledge
 *   base never uses often shares a character, and its meaning, with the word it does use
 *   (渗血 / 出血, 钢丝 / 钢牙套, 车库 / 车位), where no bigram is shared;
 * - pinyinGrams: toneless syllable bigrams of the text as written, so homophone typos
 *   (发漂 → fa piao = 发票) match;
 * - concepts: what the text is about, from the concept lexicon (寄了个红色的 → wrong_item;
 *   漏了, 裂了 → quality_problem), so questions that share meaning but no words still match.
 */
export interface AnalyzedText {
  words: string[];
  charGrams: string[];
  chars: string[];
  pinyinGrams: string[];
  concepts: string[];
}

export interface TextAnalyzerOptions {
  /** Pinyin costs time at indexing; turn it off for KBs where homophone typos do not matter. */
  pinyin?: boolean;
}

const CJK_CHAR = /\p{Script=Han}/u;
const NOT_WORD = /[^\p{L}\p{N}]+/gu;
/**
 * Bare numbers in a question are order numbers, amounts, phone numbers: facts about this customer,
 * not the topic. Kept, they count as unknown words and make a real question look out of scope.
 */
const BARE_NUMBER = /^\d+(\.\d+)?$/;

/**
 * What one jieba token adds to each channel: its canonical word, the units of that word for the
 * character channel and the syllables of the token as written for the pinyin channel. A store's
 * texts use a few thousand distinct tokens, so working these out once per token instead of once
 * per occurrence takes most of the analysis out of indexing 50,000 chunks.
 */
interface TokenTerms {
  word: string;
  charUnits: readonly string[];
  /** Undefined when the pinyin channel is off. */
  syllables: readonly string[] | undefined;
}

/** Enough for any store's vocabulary; past it the cache starts over rather than grow without bound. */
const TOKEN_CACHE_LIMIT = 200_000;

export class TextAnalyzer {
  /** Token → its terms, or null for a token that is no content (a stopword, a bare number, a space). */
  private readonly tokenTerms = new Map<string, TokenTerms | null>();

  private constructor(
    private readonly jieba: Jieba,
    private readonly lexicon: Lexicon,
    /** Undefined when the pinyin channel is off; readings are still given by `readings`. */
    private readonly pinyin: PinyinTerms | undefined,
    private readonly readings: PinyinTerms,
    private readonly conceptMatcher: ConceptMatcher,
  ) {}

  static create(lexicon: Lexicon, options: TextAnalyzerOptions = {}): TextAnalyzer {
    const jieba = segmenterFor(lexicon);
    const readings = new PinyinTerms();
    const pinyin = (options.pinyin ?? true) ? readings : undefined;
    return new TextAnalyzer(jieba, lexicon, pinyin, readings, new ConceptMatcher(lexicon.concepts));
  }

  /**
   * Toneless, folded syllables of a Han word (see PinyinTerms), one per character; cached, and
   * already computed for every word the pinyin channel has analyzed.
   */
  reading(word: string): string[] {
    return this.readings.reading(word);
  }

  /** Words that carry no topic, removed before matching. */
  get stopwords(): ReadonlySet<string> {
    return this.lexicon.stopwords;
  }

  /** Weight of the concept channel, from the concept lexicon. */
  get conceptWeight(): number {
    return this.lexicon.concepts.weight;
  }

  /** The text folded (see foldCharacters), punctuation and spaces removed. */
  static normalize(text: string): string {
    return foldCharacters(text).replace(NOT_WORD, ' ').trim();
  }

  /** Content tokens as written: jieba segmentation minus stopwords and bare numbers. */
  surfaceTokens(text: string): string[] {
    return this.segment(TextAnalyzer.normalize(text));
  }

  private segment(normalized: string): string[] {
    return this.cut(normalized).filter((token) => this.termsOf(token) !== null);
  }

  /** Every token of a normalized text as jieba cuts it, stopwords and spaces included. */
  cut(normalized: string): string[] {
    // HMM off: an unknown or misspelled word falls apart into single characters, which the
    // n-gram channels can still match, instead of being glued into a made-up word that cannot.
    return normalized === '' ? [] : this.jieba.cut(normalized, false);
  }

  private termsOf(token: string): TokenTerms | null {
    let terms = this.tokenTerms.get(token);
    if (terms === undefined) {
      terms = this.isContent(token) ? this.termsOfContent(token) : null;
      if (this.tokenTerms.size >= TOKEN_CACHE_LIMIT) this.tokenTerms.clear();
      this.tokenTerms.set(token, terms);
    }
    return terms;
  }

  private isContent(token: string): boolean {
    return token.trim() !== '' && !this.lexicon.stopwords.has(token) && !BARE_NUMBER.test(token);
  }

  private termsOfContent(token: string): TokenTerms {
    const word = this.canonical(token);
    const syllables = this.pinyin === undefined ? undefined : CJK_CHAR.test(token) ? this.pinyin.reading(token) : [token];
    return { word, charUnits: charUnits(word), syllables };
  }

  /**
   * Every token as written, in order, with its jieba part-of-speech tag (n noun, ns place, nz
   * other proper noun, eng Latin word, m number, v verb…; https://github.com/fxsjy/jieba#4-词性标注)
   * and whether it is a stopword, so the decision layer can tell the thing a question names from
   * how it asks. Punctuation and spaces come as one ' ' each (a break between words). HMM off as
   * in `segment`: with it on, jieba glues neighbours into made-up words (洗个).
   */
  taggedTokens(text: string): { word: string; tag: string; stopword: boolean }[] {
    const normalized = TextAnalyzer.normalize(text);
    if (normalized === '') return [];
    return this.jieba
      .tag(normalized, false)
      .map(({ word, tag }) => ({ word: word.trim() === '' ? ' ' : word, tag, stopword: this.lexicon.stopwords.has(word) }));
  }

  /** Content tokens with synonyms rewritten to their canonical word. */
  tokens(text: string): string[] {
    return this.surfaceTokens(text).map((token) => this.canonical(token));
  }

  analyze(text: string): AnalyzedText {
    const normalized = TextAnalyzer.normalize(text);
    const words: string[] = [];
    const chars: string[] = [];
    const syllables: string[] = [];
    for (const token of this.cut(normalized)) {
      const terms = this.termsOf(token);
      if (terms === null) continue;
      words.push(terms.word);
      for (const unit of terms.charUnits) chars.push(unit);
      if (terms.syllables) for (const syllable of terms.syllables) syllables.push(syllable);
    }
    return {
      words,
      charGrams: bigrams(chars, ''),
      chars: chars.filter((unit) => CJK_CHAR.test(unit)),
      pinyinGrams: this.pinyin ? bigrams(syllables, ' ') : [],
      // Concept phrases may span jieba tokens, so they are matched with the spaces removed (寄 错 = 寄错).
      concepts: this.conceptMatcher.empty ? [] : this.conceptMatcher.match(normalized.replace(/ /g, '')),
    };
  }

  isStopword(word: string): boolean {
    return this.lexicon.stopwords.has(word);
  }

  /** The canonical word of a token's synonym group (the token itself when it has none). */
  canonical(token: string): string {
    return this.lexicon.synonyms.get(token) ?? token;
  }
}

/**
 * Bigrams over a sequence where each Han character is one unit and each other token (a Latin
 * word, a model number) is one unit. Bigrams bridge token boundaries on purpose: a misspelled
 * word that jieba split into pieces still yields the grams of the intended word around the typo.
 * A one-unit text yields that unit, so a one-character question is not empty in this channel.
 */
export function charBigrams(tokens: string[]): string[] {
  return bigrams(tokens.flatMap(charUnits), '');
}

/** A token's units in the character channel: each Han character, or the whole token. */
function charUnits(token: string): string[] {
  return CJK_CHAR.test(token) ? [...token] : [token];
}

/**
 * Neighbouring units joined by `separator`; one unit yields itself. The pinyin channel joins
 * syllables with a space (see PinyinTerms): syllables run together would be ambiguous.
 */
function bigrams(units: string[], separator: string): string[] {
  if (units.length <= 1) return units;
  const grams: string[] = [];
  for (let i = 0; i + 1 < units.length; i++) grams.push(units[i]! + separator + units[i + 1]!);
  return grams;
}
