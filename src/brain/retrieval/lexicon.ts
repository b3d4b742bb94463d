import { access, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../errors.ts';

/**
 * The language data retrieval depends on, kept in config files so a company can teach the bot its
 * own vocabulary (product names, slang) without touching code:
 * - dictionary: extra jieba words, `word [freq] [tag]` per line;
 * - synonyms: one group per line, the first word is the canonical form the others are rewritten to;
 * - stopwords: particles and question fillers that carry no topic (的, 吗, 怎么, 请问…);
 * - concepts: what a customer is talking about (发错货, 质量问题, 代付…), each with the phrases
 *   that say it however they are worded, plus the store's domain words (concepts.json).
 * `#` starts a comment in the three text files.
 */
export interface Lexicon {
  /** jieba dictionary lines, each with an explicit frequency. */
  dictionary: string[];
  /** word → canonical word of its synonym group. */
  synonyms: Map<string, string>;
  stopwords: Set<string>;
  concepts: ConceptLexicon;
}

export interface LexiconFiles {
  dictionaryPath?: string;
  synonymsPath?: string;
  stopwordsPath?: string;
  /** Default: concepts.json beside the synonyms file, if there is one. */
  conceptsPath?: string;
}

const conceptFileSchema = z.object({
  /** Weight of the concept channel next to the words, charGrams and pinyinGrams channels. */
  weight: z.number().min(0),
  /**
   * Multiplies the score of a question that mentions no concept and no domain word: nothing in it
   * is about shopping here, so it is probably out of scope however many words it shares.
   */
  outOfDomainFactor: z.number().min(0).max(1),
  /**
   * Words of other businesses' domains (机票, 贷款, 医保, 天气…): a question naming one is about
   * something the store does not do, even when it also says 退款 or 怎么付. The score of every
   * entry that does not use the word itself is multiplied by foreignDomainFactor (an entry that
   * does is about it). Never list a word the store's own customers ask with.
   */
  foreignWords: z.array(z.string().min(1)).default([]),
  foreignDomainFactor: z.number().min(0).max(1).default(1),
  /** Words that put a question in the store's domain without saying what it is about (订单, 买). */
  domainWords: z.array(z.string().min(1)),
  /** Concept name → phrases that express it, matched as substrings of the normalized text. */
  concepts: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)),
});

/**
 * The concept lexicon, maintained like the synonym list: general to the store's domain, never
 * written for one question. Phrases are matched as substrings of the normalized text, so they can
 * span jieba tokens (寄错了, 不是我买的) and a multi-word wording maps to one concept.
 */
export interface ConceptLexicon {
  weight: number;
  outOfDomainFactor: number;
  foreignDomainFactor: number;
  foreignWords: string[];
  domainWords: string[];
  /** Phrase → the concepts it expresses (a phrase may express several). */
  phrases: Map<string, string[]>;
}

export const NO_CONCEPTS: ConceptLexicon = {
  weight: 0,
  outOfDomainFactor: 1,
  foreignDomainFactor: 1,
  foreignWords: [],
  domainWords: [],
  phrases: new Map(),
};

export function parseConcepts(json: string, source = 'concepts.json'): ConceptLexicon {
  const parsed = conceptFileSchema.safeParse(JSON.parse(json));
  if (!parsed.success) throw new ConfigError(`${source}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  const { weight, outOfDomainFactor, foreignDomainFactor, foreignWords, domainWords, concepts } = parsed.data;
  const phrases = new Map<string, string[]>();
  for (const [concept, list] of Object.entries(concepts)) {
    for (const raw of list) {
      const phrase = raw.normalize('NFKC').toLowerCase();
      const known = phrases.get(phrase) ?? [];
      if (!known.includes(concept)) phrases.set(phrase, [...known, concept]);
    }
  }
  const normalize = (word: string) => word.normalize('NFKC').toLowerCase();
  return {
    weight,
    outOfDomainFactor,
    foreignDomainFactor,
    foreignWords: foreignWords.map(normalize),
    domainWords: domainWords.map(normalize),
    phrases,
  };
}

/**
 * jieba ignores a dictionary word whose frequency is 0 (the value when a line has none), so
 * words listed bare get this one: high enough to beat splitting into single characters, and in
 * the range of everyday words of the default dictionary (快递 100, 发票 271).
 */
export const DEFAULT_WORD_FREQUENCY = 500;

function contentLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line.length > 0);
}

export function parseDictionary(text: string): string[] {
  return contentLines(text).map((line) => {
    const [word, freq, tag] = line.split(/\s+/);
    return [word, freq ?? String(DEFAULT_WORD_FREQUENCY), tag].filter(Boolean).join(' ');
  });
}

export function parseSynonyms(text: string): Map<string, string> {
  const canonical = new Map<string, string>();
  for (const line of contentLines(text)) {
    const words = line
      .split(/[\s,，]+/)
      .filter(Boolean)
      .map((w) => w.toLowerCase());
    const head = words[0];
    if (head === undefined) continue;
    // A word in two groups keeps its first group: rewriting must be deterministic.
    for (const word of words) if (!canonical.has(word)) canonical.set(word, head);
  }
  return canonical;
}

export function parseStopwords(text: string): Set<string> {
  return new Set(contentLines(text).flatMap((line) => line.split(/\s+/)));
}

async function readOptional(path: string | undefined): Promise<string> {
  return path === undefined ? '' : readFile(path, 'utf8');
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

export async function loadLexicon(files: LexiconFiles): Promise<Lexicon> {
  const besideSynonyms = files.synonymsPath && join(dirname(files.synonymsPath), 'concepts.json');
  const conceptsPath = files.conceptsPath ?? (besideSynonyms && (await exists(besideSynonyms)) ? besideSynonyms : undefined);
  const [dictionaryText, synonymsText, stopwordsText, conceptsText] = await Promise.all([
    readOptional(files.dictionaryPath),
    readOptional(files.synonymsPath),
    readOptional(files.stopwordsPath),
    readOptional(conceptsPath),
  ]);
  const concepts = conceptsText === '' ? NO_CONCEPTS : parseConcepts(conceptsText, conceptsPath);
  return buildLexicon(dictionaryText, synonymsText, stopwordsText, concepts);
}

export function buildLexicon(dictionaryText: string, synonymsText: string, stopwordsText: string, concepts = NO_CONCEPTS): Lexicon {
  const synonyms = parseSynonyms(synonymsText);
  return {
    dictionary: parseDictionary(dictionaryText),
    synonyms,
    stopwords: parseStopwords(stopwordsText),
    concepts,
  };
}
