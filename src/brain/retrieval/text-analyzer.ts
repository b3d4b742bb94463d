import { Jieba } from '@node-rs/jieba';
import { dict as defaultDictionary } from '@node-rs/jieba/dict.js';
import { type ConceptMatch, ConceptMatcher } from './concept-matcher.ts';
import { DEFAULT_WORD_FREQUENCY, type Lexicon } from './lexicon.ts';
import { PinyinTerms } from './pinyin-terms.ts';
import { toSimplified } from './simplified-chinese.ts';

/**
 * Terms of one text for the four lexical channels. Each channel forgives a different mistake:
 * - words: jieba tokens rewritten to their synonym group's canonical form (快递费 → 运费), so
 *   paraphrases that swap words still match;
 * - charGrams: character bigrams of the canonical text, so a typo spoils one or two grams of a
 *   word instead of the whole word (物流信息好久没跟新 still shares 物流, 流信, 信息…);
 * - pinyinGrams: toneless syllable bigrams of the text as written, so homophone typos
 *   (发漂 → fa piao = 发票) match;
 * - concepts: what the text is about, from the concept lexicon (寄了个红色的 → wrong_item;
 *   漏了, 裂了 → quality_problem), so questions that share meaning but no words still match.
 */
export interface AnalyzedText {
  words: string[];
  charGrams: string[];
  pinyinGrams: string[];
  concepts: string[];
}

/**
 * Negative evidence that a question is out of scope, as multipliers of its scores. `factor` is
 * below 1 when it mentions nothing of the store's domain. `foreignWords` are the words of other
 * businesses' domains it names (机票, 贷款…): they multiply the score of every chunk that does not
 * use them itself by `foreignFactor`. A chunk that does (a presale entry's 「逾期定金不退」) is about
 * that word, so for it the word is no sign of another business.
 */
export interface DomainEvidence {
  factor: number;
  foreignWords: string[];
  foreignFactor: number;
}

const NO_DOMAIN_EVIDENCE: DomainEvidence = { factor: 1, foreignWords: [], foreignFactor: 1 };

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

export class TextAnalyzer {
  private constructor(
    private readonly jieba: Jieba,
    private readonly lexicon: Lexicon,
    private readonly pinyin: PinyinTerms | undefined,
    private readonly conceptMatcher: ConceptMatcher,
  ) {}

  private lastConcepts: { text: string; match: ConceptMatch } | undefined;

  static create(lexicon: Lexicon, options: TextAnalyzerOptions = {}): TextAnalyzer {
    const jieba = Jieba.withDict(defaultDictionary);
    if (lexicon.dictionary.length > 0) jieba.loadDict(Buffer.from(lexicon.dictionary.join('\n'), 'utf8'));
    // A synonym can only be rewritten if jieba keeps it as one token; teach it the ones it splits,
    // and leave the frequency of words it already knows alone.
    const split = [...lexicon.synonyms.keys()].filter((word) => [...word].length > 1 && jieba.cut(word, false).length > 1);
    if (split.length > 0) jieba.loadDict(Buffer.from(split.map((w) => `${w} ${DEFAULT_WORD_FREQUENCY}`).join('\n'), 'utf8'));
    const pinyin = (options.pinyin ?? true) ? new PinyinTerms() : undefined;
    return new TextAnalyzer(jieba, lexicon, pinyin, new ConceptMatcher(lexicon.concepts));
  }

  /** Weight of the concept channel, from the concept lexicon. */
  get conceptWeight(): number {
    return this.lexicon.concepts.weight;
  }

  /** Negative evidence that a question is out of scope, from the concept lexicon (see DomainEvidence). */
  domainEvidence(text: string): DomainEvidence {
    if (this.conceptMatcher.empty) return NO_DOMAIN_EVIDENCE;
    const { outOfDomainFactor, foreignDomainFactor } = this.lexicon.concepts;
    const { inDomain, foreignWords } = this.matchConcepts(conceptText(text));
    return { factor: inDomain ? 1 : outOfDomainFactor, foreignWords, foreignFactor: foreignDomainFactor };
  }

  /** Words of other businesses' domains the text names; right after `analyze(text)` this costs nothing. */
  foreignWords(text: string): string[] {
    return this.conceptMatcher.empty ? [] : this.matchConcepts(conceptText(text)).foreignWords;
  }

  /** Full-width to half-width (NFKC), traditional to simplified, lower case, punctuation and spaces removed. */
  static normalize(text: string): string {
    return toSimplified(text.normalize('NFKC')).toLowerCase().replace(NOT_WORD, ' ').trim();
  }

  /** Content tokens as written: jieba segmentation minus stopwords and bare numbers. */
  surfaceTokens(text: string): string[] {
    return this.segment(TextAnalyzer.normalize(text));
  }

  private segment(normalized: string): string[] {
    if (normalized === '') return [];
    // HMM off: an unknown or misspelled word falls apart into single characters, which the
    // n-gram channels can still match, instead of being glued into a made-up word that cannot.
    return this.jieba
      .cut(normalized, false)
      .filter((token) => token.trim() !== '' && !this.lexicon.stopwords.has(token) && !BARE_NUMBER.test(token));
  }

  /** Content tokens with synonyms rewritten to their canonical word. */
  tokens(text: string): string[] {
    return this.surfaceTokens(text).map((token) => this.canonical(token));
  }

  analyze(text: string): AnalyzedText {
    const normalized = TextAnalyzer.normalize(text);
    const surface = this.segment(normalized);
    const words = surface.map((token) => this.canonical(token));
    return {
      words,
      charGrams: charBigrams(words),
      pinyinGrams: this.pinyin?.bigrams(surface) ?? [],
      concepts: this.conceptMatcher.empty ? [] : this.matchConcepts(normalized.replace(/ /g, '')).concepts,
    };
  }

  /**
   * The last text's match is kept: a search analyzes its query, then asks for its domain evidence;
   * indexing analyzes a chunk, then asks for its foreign words.
   */
  private matchConcepts(text: string): ConceptMatch {
    if (this.lastConcepts?.text !== text) this.lastConcepts = { text, match: this.conceptMatcher.match(text) };
    return this.lastConcepts.match;
  }

  private canonical(token: string): string {
    return this.lexicon.synonyms.get(token) ?? token;
  }
}

/** Concept phrases are matched on the normalized text with spaces removed (寄 错 = 寄错). */
function conceptText(text: string): string {
  return TextAnalyzer.normalize(text).replace(/ /g, '');
}

/**
 * Bigrams over a sequence where each Han character is one unit and each other token (a Latin
 * word, a model number) is one unit. Bigrams bridge token boundaries on purpose: a misspelled
 * word that jieba split into pieces still yields the grams of the intended word around the typo.
 * A one-unit text yields that unit, so a one-character question is not empty in this channel.
 */
export function charBigrams(tokens: string[]): string[] {
  const units = tokens.flatMap((token) => (CJK_CHAR.test(token) ? [...token] : [token]));
  if (units.length === 1) return units;
  const grams: string[] = [];
  for (let i = 0; i + 1 < units.length; i++) grams.push(units[i]! + units[i + 1]!);
  return grams;
}
