import { foldRadicals } from './cjk-radicals.ts';
import { toSimplified } from './simplified-chinese.ts';

/**
 * The one form every customer text is compared in, whatever reads it (retrieval, the handoff
 * rules, small talk): radicals to ideographs (⻋ → 车), full-width to half-width (NFKC),
 * traditional to simplified (轉人工 → 转人工), lower case. Punctuation is left for the caller.
 */
export function foldCharacters(text: string): string {
  return toSimplified(foldRadicals(text).normalize('NFKC')).toLowerCase();
}
