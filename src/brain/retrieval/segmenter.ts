import { Jieba } from '@node-rs/jieba';
import { dict as defaultDictionary } from '@node-rs/jieba/dict.js';
import { DEFAULT_WORD_FREQUENCY, type Lexicon } from './lexicon.ts';

/**
 * Segmenters already built in this process, by the words they were taught. A jieba built from its
 * default dictionary costs 170–200 ms of CPU and 37 MB, and a process builds brains with the same
 * vocabulary again and again: the api and worker roles of `npm start`, each knowledge-base reload,
 * the current side of every settings preview. A segmenter is never changed once built, so analyzers
 * of one vocabulary share one. Held weakly: the last analyzer to drop it lets it go.
 */
const built = new Map<string, WeakRef<Jieba>>();

/** jieba with the default dictionary plus the lexicon's words, shared while in use. */
export function segmenterFor(lexicon: Lexicon): Jieba {
  const key = `${lexicon.dictionary.join('\n')}\u0000${[...lexicon.synonyms.keys()].join('\n')}`;
  for (const [k, ref] of built) if (ref.deref() === undefined) built.delete(k);
  const shared = built.get(key)?.deref();
  if (shared) return shared;
  const jieba = teach(lexicon);
  built.set(key, new WeakRef(jieba));
  return jieba;
}

function teach(lexicon: Lexicon): Jieba {
  const jieba = Jieba.withDict(defaultDictionary);
  if (lexicon.dictionary.length > 0) jieba.loadDict(Buffer.from(lexicon.dictionary.join('\n'), 'utf8'));
  // A synonym can only be rewritten if jieba keeps it as one token; teach it the ones it splits,
  // and leave the frequency of words it already knows alone.
  const split = [...lexicon.synonyms.keys()].filter((word) => [...word].length > 1 && jieba.cut(word, false).length > 1);
  if (split.length > 0) jieba.loadDict(Buffer.from(split.map((w) => `${w} ${DEFAULT_WORD_FREQUENCY}`).join('\n'), 'utf8'));
  return jieba;
}
