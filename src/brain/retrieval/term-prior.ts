import { idf as jiebaIdf } from '@node-rs/jieba/dict.js';

/**
 * How informative a word is in Chinese at large, from the IDF table jieba ships (computed on a
 * large general corpus). A knowledge base of a few hundred questions is too small for its own
 * IDF to know that 东西 or 时候 say little and 发票 or 退款 say a lot: there 发票 is *common*
 * (every invoice entry has it), so by KB statistics alone 「买东西给开票吗」 matches 「买东西送积分吗」.
 * Multiplying the KB IDF by this prior fixes that, and gives words the KB has never seen a
 * sensible weight when judging whether a question is out of scope.
 */
export class TermPrior {
  private constructor(
    private readonly idfs: ReadonlyMap<string, number>,
    private readonly unknownIdf: number,
    private readonly exponent: number,
  ) {}

  /**
   * `exponent` sets how strongly the prior counts: 0 = not at all, 1 = proportionally.
   * Words missing from the table are rare ones (product names, our dictionary's additions).
   */
  static fromJiebaIdf(exponent = 1): TermPrior {
    jiebaTable ??= parseIdfTable(Buffer.from(jiebaIdf).toString('utf8'));
    return new TermPrior(jiebaTable.idfs, jiebaTable.max, exponent);
  }

  /** Whether the text is a word of general Chinese (in jieba's table): a typo usually is not. */
  isWord(text: string): boolean {
    return this.idfs.has(text);
  }

  /** A multiplier around 1 for typical content words (general IDF ≈ 10). */
  weight(term: string): number {
    const idf = this.idfs.get(term) ?? this.unknownIdf;
    return (idf / TYPICAL_CONTENT_WORD_IDF) ** this.exponent;
  }
}

const TYPICAL_CONTENT_WORD_IDF = 10;

/**
 * The table is parsed once per process and never changed: every brain build (each knowledge-base
 * reload, each saved vocabulary) used to parse its 270,000 lines again, 150–280 ms of CPU.
 */
let jiebaTable: { idfs: ReadonlyMap<string, number>; max: number } | undefined;

function parseIdfTable(text: string): { idfs: Map<string, number>; max: number } {
  const idfs = new Map<string, number>();
  let max = 0;
  for (const line of text.split('\n')) {
    const space = line.indexOf(' ');
    if (space <= 0) continue;
    const value = Number(line.slice(space + 1));
    idfs.set(line.slice(0, space), value);
    if (value > max) max = value;
  }
  return { idfs, max };
}
