import { splitPinyin } from './retrieval/knowledge-vocabulary.ts';
import { readFile } from 'node:fs/promises';
import { parseStopwords } from './retrieval/lexicon.ts';
import { TextAnalyzer } from './retrieval/text-analyzer.ts';
import type { IndexedChunk } from './retrieval/types.ts';

/**
 * jieba tags of words that name a thing: nouns (n), places (ns), organisations (nt), other proper
 * nouns (nz), names (nr), verbal nouns (vn: 运费), set phrases (l: 四件套), Latin words (eng:
 * iphone) and words jieba does not know (x). Words of the configured dictionary carry no tag and
 * are not counted: it holds phrases as well as names (用不上, 退回来).
 * https://github.com/fxsjy/jieba#4-词性标注
 */
/**
 * A Latin word spelt wholly in pinyin syllables (duojiu, fahuo) is Chinese typed without a
 * character: the retrieval reads it back into the knowledge base's words, so it names no thing.
 * iPhone and IKEA do not spell pinyin and stay names.
 */
const spellsPinyin = (word: string) => /^[a-z]+$/.test(word) && splitPinyin(word) !== undefined;

const THING_TAGS = new Set(['n', 'nr', 'nrt', 'ns', 'nt', 'nz', 'nw', 'vn', 'l', 'eng', 'x']);
/**
 * Tags of single characters that do not belong to an unknown name: verbs (到, 发) and the words
 * that hold a sentence together (numbers, measure words, prepositions, particles, conjunctions,
 * adverbs, pronouns). A run of single characters stops at them.
 */
const NOT_IN_NAMES = new Set(['v', 'vd', 'm', 'q', 'p', 'u', 'uj', 'ul', 'y', 'c', 'd', 'r', 'e', 'o', 'x']);
const HAN = /\p{Script=Han}/u;
const BARE_NUMBER = /^\d+(\.\d+)?$/;

/** A content word of a question, and whether it names a thing. */
export interface ContentWord {
  word: string;
  thing: boolean;
}

/** How far a knowledge-base entry speaks about what a question asks. */
export interface EntryCoverage {
  /** Content words of the question the entry mentions. */
  mentioned: string[];
  /** Things the question names that the entry mentions. */
  covered: string[];
  /** Things the question names (茶壶, iphone) that the entry never mentions. */
  missing: string[];
  /**
   * The entry shares nothing with the question but how it asks (多少钱, 什么时候): a match on the
   * frame alone, which says nothing about whether the entry answers it.
   */
  frameOnly: boolean;
}

/**
 * The things a question names, and whether an entry covers them. Retrieval scores words, and a
 * frame as common as 「多少钱」 can carry a score over the threshold on its own: 「茶壶多少钱」 finds
 * 「运费多少钱」. An entry that mentions none of the question's content words, while the question
 * names something, answers a different question; one that shares a content word (「电饭煲保修几年」
 * and the warranty entry share 保修) answers it for any product.
 */
export class QuestionEntities {
  constructor(
    private readonly analyzer: TextAnalyzer,
    /** The general question-frame vocabulary (config/brain/question-frame.txt). */
    private readonly frame: ReadonlySet<string>,
  ) {}

  static async load(analyzer: TextAnalyzer, framePath: string): Promise<QuestionEntities> {
    return new QuestionEntities(analyzer, parseStopwords(await readFile(framePath, 'utf8')));
  }

  /** The same frame read with another analyzer (a company's vocabulary changed): entries are read again. */
  withAnalyzer(analyzer: TextAnalyzer): QuestionEntities {
    return new QuestionEntities(analyzer, this.frame);
  }

  /**
   * The question's content words: no stopwords, frame words or bare numbers. jieba splits a word
   * it does not know (美白, a brand) into single characters; a run of them (nouns, adjectives…,
   * not verbs or function words) is read back as one unknown word, which names a thing.
   */
  contentWords(question: string): ContentWord[] {
    const words: ContentWord[] = [];
    let run = '';
    const endRun = () => {
      if ([...run].length > 1) words.push({ word: run, thing: true });
      else if (run !== '') words.push({ word: run, thing: false });
      run = '';
    };
    for (const { word, tag, stopword } of this.analyzer.taggedTokens(question)) {
      const content = !stopword && word !== ' ' && !this.frame.has(word) && !BARE_NUMBER.test(word);
      if (content && HAN.test(word) && [...word].length === 1 && !NOT_IN_NAMES.has(tag)) {
        run += word;
        continue;
      }
      endRun();
      if (content) words.push({ word, thing: THING_TAGS.has(tag) && (!HAN.test(word) || [...word].length > 1) && !spellsPinyin(word) });
    }
    endRun();
    return words;
  }

  /** How far an entry covers a question's content words (`contentWords`, computed once per question). */
  coverage(words: readonly ContentWord[], entry: IndexedChunk): EntryCoverage {
    if (words.length === 0) return { mentioned: [], covered: [], missing: [], frameOnly: false };
    const mentioned = words.map(({ word }) => this.mentions(entry, word));
    return {
      mentioned: words.filter((_, i) => mentioned[i]).map((w) => w.word),
      covered: words.filter((w, i) => w.thing && mentioned[i]).map((w) => w.word),
      missing: words.filter((w, i) => w.thing && !mentioned[i]).map((w) => w.word),
      frameOnly: !mentioned.some(Boolean),
    };
  }

  /**
   * The entry says the word, or a synonym of it, or — a word of three characters or more — half
   * of its characters: a typo (烤磁牙 for 烤瓷牙) keeps the others. Characters that are stopwords on
   * their own (给, 我 in jieba's word 给我发) say nothing and are not counted. Two characters are
   * too few: 电子 would cover 电话.
   */
  private mentions(entry: IndexedChunk, word: string): boolean {
    const said = this.said(entry);
    if (said.text.includes(word) || said.words.has(this.analyzer.canonical(word))) return true;
    if (!HAN.test(word)) return false;
    const chars = [...word].filter((char) => HAN.test(char) && !this.analyzer.isStopword(char));
    return chars.length > 2 && chars.filter((char) => said.text.includes(char)).length * 2 >= chars.length;
  }

  private readonly saidCache = new WeakMap<IndexedChunk, { text: string; words: Set<string> }>();

  /**
   * Everything an entry says (its questions and answer, or a passage's text), normalized like a
   * question, and its words in canonical form, so 运费 in a question meets 快递费 in an entry.
   * Kept per chunk: an index's chunks live as long as the index.
   */
  private said(entry: IndexedChunk): { text: string; words: Set<string> } {
    let said = this.saidCache.get(entry);
    if (!said) {
      const text = (entry.questions ? [...entry.questions, entry.answer ?? ''] : [entry.text]).join('\n');
      said = { text: TextAnalyzer.normalize(text).replace(/ /g, ''), words: new Set(this.analyzer.tokens(text)) };
      this.saidCache.set(entry, said);
    }
    return said;
  }
}
