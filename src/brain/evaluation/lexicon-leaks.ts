import { join } from 'node:path';
import { loadHandoffRules } from '../handoff/handoff-rules.ts';
import { parseConcepts, parseDictionary, parseStopwords, parseSynonyms, readLexiconFile } from '../retrieval/lexicon.ts';
import { loadSmallTalkConfig } from '../smalltalk/small-talk.ts';

/** One word or phrase of a shipped word list, and the list it is in. */
export interface LexiconEntry {
  entry: string;
  /** File, and the part of it for files with several lists: `concepts.json phrases`. */
  source: string;
}

/**
 * Every entry of every word list the offline brain reads from a config directory: the jieba
 * dictionary, synonyms, stopwords, concepts, small talk and the handoff phrases. These are what a
 * person writes by reading questions, so they are what a held-out set can leak into.
 */
export async function readLexiconEntries(configDir: string): Promise<LexiconEntry[]> {
  const [smallTalk, handoff] = await Promise.all([
    loadSmallTalkConfig(join(configDir, 'smalltalk.json')),
    loadHandoffRules(join(configDir, 'handoff.json')),
  ]);
  const listed = (source: string, entries: Iterable<string>) => [...entries].map((entry) => ({ entry, source }));
  return [
    ...(await readVocabularyEntries(configDir)),
    ...listed(
      'smalltalk.json',
      smallTalk.kinds.flatMap((kind) => kind.phrases),
    ),
    ...listed('handoff.json', [
      ...handoff.customerAsked.phrases,
      ...handoff.customerAsked.unless,
      ...handoff.sensitive.flatMap((rule) => rule.phrases),
      ...handoff.complaint.phrases,
    ]),
  ];
}

/**
 * The entries of a lexicon directory's files, those it has: the general one (config/brain) or a
 * company's vocabulary (config/demo/brain). Sources name the directory's files as `dir/file`.
 */
export async function readVocabularyEntries(dir: string): Promise<LexiconEntry[]> {
  const text = (file: string) => readLexiconFile(join(dir, file));
  const [dictionary, synonyms, stopwords, conceptsText] = await Promise.all([
    text('dictionary.txt'),
    text('synonyms.txt'),
    text('stopwords.txt'),
    text('concepts.json'),
  ]);
  const listed = (file: string, entries: Iterable<string>) => [...entries].map((entry) => ({ entry, source: join(dir, file) }));
  return [
    ...listed(
      'dictionary.txt',
      parseDictionary(dictionary).map((line) => line.split(' ')[0]!),
    ),
    ...listed('synonyms.txt', parseSynonyms(synonyms).keys()),
    ...listed('stopwords.txt', parseStopwords(stopwords)),
    ...listed('concepts.json phrases', conceptsText === '' ? [] : parseConcepts(conceptsText).phrases.keys()),
  ];
}

/** The form entries and texts are compared in: full-width folded, lower case, no spaces. */
function comparable(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}

/**
 * Entries that occur (as a substring) in some held-out question but in no text that may be read
 * while tuning: the dev questions and the knowledge bases. Such an entry can only have been written
 * by reading the held-out set, which then no longer measures anything unseen.
 */
export function entriesOnlyInHeldOut(
  entries: readonly LexiconEntry[],
  texts: { heldOut: readonly string[]; readable: readonly string[] },
): LexiconEntry[] {
  const heldOut = texts.heldOut.map(comparable);
  const readable = texts.readable.map(comparable);
  return entries.filter(({ entry }) => {
    const word = comparable(entry);
    return word !== '' && heldOut.some((text) => text.includes(word)) && !readable.some((text) => text.includes(word));
  });
}
