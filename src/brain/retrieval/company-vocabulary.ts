import { z } from 'zod';
import { foldCharacters } from './fold-characters.ts';

/**
 * One word as a company types it in the console: no spaces, commas or `#`, which are the lexicon
 * files' separators and comment mark (src/brain/retrieval/lexicon.ts), so a word saved here reads
 * back as the one word it is.
 */
const term = z
  .string()
  .trim()
  .min(1)
  .max(30)
  .regex(/^[^\s,，#]+$/, 'one word: no spaces, commas or #');

/** Sizes a console form stays usable at; a company with more keeps them in a vocabulary directory. */
export const VOCABULARY_LIMITS = { groups: 500, groupWords: 30, words: 2000, stopwords: 300 } as const;

/**
 * A company's own vocabulary, saved in the console (机器人设置 → 词汇): synonym groups, words the
 * segmenter must keep whole (product and service names), and words that say nothing in its
 * customers' questions. It is read before the general lexicon (config/brain) and the demo's, so
 * a company's grouping of a word wins; the general files themselves are never edited.
 * Words are compared as the analyzer reads them (foldCharacters: 發票 = 发票, Ｖ = v), so two
 * spellings of one word are one word here too.
 */
export const companyVocabularySchema = z
  .object({
    /** Each group's words mean the same here; the first is the one the others are read as. */
    synonyms: z.array(z.array(term).max(VOCABULARY_LIMITS.groupWords)).max(VOCABULARY_LIMITS.groups).default([]),
    /** Words jieba must keep as one token (烤瓷牙, 种植牙): a word it splits cannot be matched as a word. */
    words: z
      .array(term.refine((word) => [...word].length > 1, 'a word of one character is one token already'))
      .max(VOCABULARY_LIMITS.words)
      .default([]),
    /** Words removed from questions before matching, beside the general stopwords. */
    stopwords: z.array(term).max(VOCABULARY_LIMITS.stopwords).default([]),
  })
  .superRefine((vocabulary, ctx) => {
    const groupOf = new Map<string, number>();
    vocabulary.synonyms.forEach((group, g) => {
      if (group.length < 2) ctx.addIssue({ code: 'custom', path: ['synonyms', g], message: `group ${g + 1} needs two words or more` });
      for (const [w, word] of group.entries()) {
        const folded = foldCharacters(word);
        const other = groupOf.get(folded);
        if (other === g) ctx.addIssue({ code: 'custom', path: ['synonyms', g, w], message: `「${word}」 is twice in group ${g + 1}` });
        else if (other !== undefined)
          ctx.addIssue({
            code: 'custom',
            path: ['synonyms', g, w],
            message: `「${word}」 is in group ${other + 1} and group ${g + 1}: a word may mean one thing only`,
          });
        else groupOf.set(folded, g);
      }
    });
    for (const [s, word] of vocabulary.stopwords.entries()) {
      const g = groupOf.get(foldCharacters(word));
      if (g !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['stopwords', s],
          message: `「${word}」 is a stopword and in synonym group ${g + 1}: a removed word cannot be matched`,
        });
    }
  });
export type CompanyVocabulary = z.infer<typeof companyVocabularySchema>;

export const NO_COMPANY_VOCABULARY: CompanyVocabulary = { synonyms: [], words: [], stopwords: [] };

/** The company's vocabulary as the text of the three lexicon files, folded as the analyzer reads text. */
export function companyLexiconTexts(vocabulary: CompanyVocabulary): { dictionary: string; synonyms: string; stopwords: string } {
  const lines = (words: readonly string[]) => words.map(foldCharacters).join('\n');
  return {
    dictionary: lines(vocabulary.words),
    synonyms: vocabulary.synonyms.map((group) => group.map(foldCharacters).join(' ')).join('\n'),
    stopwords: lines(vocabulary.stopwords),
  };
}
