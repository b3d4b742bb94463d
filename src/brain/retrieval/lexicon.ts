import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../../errors.ts';

/**
 * The language data retrieval depends on, kept in config files. The general ones (config/brain)
 * are about Chinese, not about any business; a company may add its own vocabulary (product names,
 * slang, concepts) in a directory of the same files, as the demo store does (config/demo/brain):
 * - dictionary.txt: extra jieba words, `word [freq] [tag]` per line;
 * - synonyms.txt: one group per line, the first word is the canonical form the others are rewritten to;
 * - stopwords.txt: particles and question fillers that carry no topic (的, 吗, 怎么, 请问…);
 * - concepts.json: what a customer is talking about (发错货, 质量问题, 代付…), each with the
 *   phrases that say it however they are worded.
 * `#` starts a comment in the three text files. A business's domain itself is never listed: it is
 * learned from its knowledge base (KnowledgeVocabulary).
 */
export interface Lexicon {
  /** jieba dictionary lines, each with an explicit frequency. */
  dictionary: string[];
  /** word → canonical word of its synonym group. */
  synonyms: Map<string, string>;
  stopwords: Set<string>;
  concepts: ConceptLexicon;
}

const conceptFileSchema = z.object({
  /** Weight of the concept channel next to the words, charGrams and pinyinGrams channels. */
  weight: z.number().min(0),
  /** Concept name → phrases that express it, matched as substrings of the normalized text. */
  concepts: z.record(z.string().min(1), z.array(z.string().min(1)).min(1)),
});

/**
 * A company's concept lexicon (the demo store's is config/demo/brain/concepts.json): what its
 * customers talk about, each concept with the phrases that say it however they are worded.
 * Phrases are matched as substrings of the normalized text, so they can span jieba tokens
 * (寄错了, 不是我买的) and a multi-word wording maps to one concept. Whether a question is in the
 * company's domain is not written here: it is learned from the knowledge base (KnowledgeVocabulary).
 */
export interface ConceptLexicon {
  weight: number;
  /** Phrase → the concepts it expresses (a phrase may express several). */
  phrases: Map<string, string[]>;
}

export const NO_CONCEPTS: ConceptLexicon = { weight: 0, phrases: new Map() };

export function parseConcepts(json: string, source = 'concepts.json'): ConceptLexicon {
  const parsed = conceptFileSchema.safeParse(JSON.parse(json));
  if (!parsed.success) throw new ConfigError(`${source}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  const phrases = new Map<string, string[]>();
  for (const [concept, list] of Object.entries(parsed.data.concepts)) {
    for (const raw of list) {
      const phrase = raw.normalize('NFKC').toLowerCase();
      const known = phrases.get(phrase) ?? [];
      if (!known.includes(concept)) phrases.set(phrase, [...known, concept]);
    }
  }
  return { weight: parsed.data.weight, phrases };
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

/** A file a lexicon directory does not have reads as empty. */
export async function readLexiconFile(path: string): Promise<string> {
  return readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return '';
    throw err;
  });
}

/** The three text files of a lexicon, as text (a company's vocabulary saved in the console is written so). */
export interface LexiconTexts {
  dictionary: string;
  synonyms: string;
  stopwords: string;
}

/**
 * The lexicon files of each directory that has them. A company's directory goes first: a word in
 * two synonym groups keeps the first, so the company's own grouping wins over the general one.
 * `first`, the vocabulary saved in the console, goes before every directory. The concept lexicon
 * is the first directory's that has a concepts.json.
 */
export async function loadLexicon(dirs: readonly string[], first?: LexiconTexts): Promise<Lexicon> {
  const read = (file: string) => Promise.all(dirs.map((dir) => readLexiconFile(join(dir, file))));
  const [dictionaries, synonyms, stopwords, concepts] = await Promise.all([
    read('dictionary.txt'),
    read('synonyms.txt'),
    read('stopwords.txt'),
    read('concepts.json'),
  ]);
  const conceptsAt = concepts.findIndex((text) => text !== '');
  return buildLexicon(
    [first?.dictionary ?? '', ...dictionaries].join('\n'),
    [first?.synonyms ?? '', ...synonyms].join('\n'),
    [first?.stopwords ?? '', ...stopwords].join('\n'),
    conceptsAt < 0 ? NO_CONCEPTS : parseConcepts(concepts[conceptsAt]!, join(dirs[conceptsAt]!, 'concepts.json')),
  );
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
