import { readFile } from 'node:fs/promises';

/**
 * The language data retrieval depends on, kept in config files so a company can teach the bot its
 * own vocabulary (product names, slang) without touching code:
 * - dictionary: extra jieba words, `word [freq] [tag]` per line;
 * - synonyms: one group per line, the first word is the canonical form the others are rewritten to;
 * - stopwords: particles and question fillers that carry no topic (的, 吗, 怎么, 请问…).
 * `#` starts a comment in all three files.
 */
export interface Lexicon {
  /** jieba dictionary lines, each with an explicit frequency. */
  dictionary: string[];
  /** word → canonical word of its synonym group. */
  synonyms: Map<string, string>;
  stopwords: Set<string>;
}

export interface LexiconFiles {
  dictionaryPath?: string;
  synonymsPath?: string;
  stopwordsPath?: string;
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

export async function loadLexicon(files: LexiconFiles): Promise<Lexicon> {
  const [dictionaryText, synonymsText, stopwordsText] = await Promise.all([
    readOptional(files.dictionaryPath),
    readOptional(files.synonymsPath),
    readOptional(files.stopwordsPath),
  ]);
  return buildLexicon(dictionaryText, synonymsText, stopwordsText);
}

export function buildLexicon(dictionaryText: string, synonymsText: string, stopwordsText: string): Lexicon {
  const synonyms = parseSynonyms(synonymsText);
  return {
    dictionary: parseDictionary(dictionaryText),
    synonyms,
    stopwords: parseStopwords(stopwordsText),
  };
}
