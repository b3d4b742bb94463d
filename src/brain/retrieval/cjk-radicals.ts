import { readFileSync } from 'node:fs';

/**
 * Radical characters rewritten to the ideographs they stand for. Text extracted from PDFs (a
 * browser's "print to PDF" among them) often carries the Kangxi radicals block (⼝ U+2F1D for 口)
 * and the CJK Radicals Supplement block (⻋ U+2ECB for 车) instead of ideographs, and then none of
 * its words match a customer's. NFKC folds the Kangxi block; the supplement block has no
 * compatibility decomposition, so it is folded by the table beside this file (from Unicode's
 * EquivalentUnifiedIdeograph.txt, see the file's header).
 */
const SUPPLEMENT: ReadonlyMap<string, string> = new Map(
  readFileSync(new URL('./cjk-radicals-supplement.txt', import.meta.url), 'utf8')
    .split('\n')
    .map((line) => line.replace(/#.*$/, '').trim())
    .filter((line) => line !== '')
    .map((line) => {
      const [radical, ideograph] = line.split(/\s+/).map((hex) => String.fromCodePoint(Number.parseInt(hex!, 16)));
      return [radical!, ideograph!] as const;
    }),
);

const RADICAL = /[\u2E80-\u2EF3\u2F00-\u2FD5]/u;
const RADICALS = /[\u2E80-\u2EF3\u2F00-\u2FD5]/gu;

/**
 * The text with every radical character replaced by its ideograph, and nothing else changed
 * (stored documents keep their punctuation and widths; the analyzer applies NFKC itself).
 */
export function foldRadicals(text: string): string {
  if (!RADICAL.test(text)) return text;
  return text.replace(RADICALS, (char) => SUPPLEMENT.get(char) ?? char.normalize('NFKC'));
}
