import type { AnalyzedText } from '../brain/retrieval/text-analyzer.ts';

export interface GroupedQuestion {
  text: string;
  knowledgeBase: string;
}

export interface QuestionGroup<T extends GroupedQuestion> {
  knowledgeBase: string;
  /** The group's most asked wording: what it is shown and answered as. */
  leader: string;
  items: T[];
}

/**
 * Two questions whose terms overlap this much (Dice coefficient) are one group. At 0.5, 退货运费谁出
 * and 退货的运费谁承担 meet (they share 退货, 运费 and most character bigrams), while 退货要多久 and
 * 退货运费谁出 (sharing only 退货) stay apart.
 */
export const SAME_GROUP_SIMILARITY = 0.5;

/**
 * Groups questions by what they ask, with the brain's own analyzer (src/brain/retrieval/
 * text-analyzer.ts), so grouping agrees with how the bot matches:
 * - a question's terms are its canonical words (synonyms folded: 快递费 = 运费), its character
 *   bigrams (typos spoil one or two) and its concepts (寄错 and 发错货 are one), each kind kept apart;
 * - similarity is the Dice coefficient of two term sets: 2·|A∩B| / (|A|+|B|);
 * - leader clustering: identical wordings are counted once, the most asked first; each joins the
 *   group whose leader it is most similar to, if at least SAME_GROUP_SIMILARITY, else leads a new
 *   group. Comparing with leaders only (not every member) keeps a group from drifting, one
 *   near-neighbour at a time, into unrelated questions;
 * - groups never span knowledge bases: an answer is added to one.
 * Costs (distinct wordings × groups) set comparisons: milliseconds for the few thousand turns listed.
 */
export function groupSimilarQuestions<T extends GroupedQuestion>(
  items: readonly T[],
  analyze: (text: string) => AnalyzedText,
  minSimilarity = SAME_GROUP_SIMILARITY,
): Array<QuestionGroup<T>> {
  const wordings = new Map<string, { text: string; knowledgeBase: string; items: T[] }>();
  for (const item of items) {
    const key = `${item.knowledgeBase}\u0000${item.text.trim()}`;
    const wording = wordings.get(key) ?? { text: item.text.trim(), knowledgeBase: item.knowledgeBase, items: [] };
    wording.items.push(item);
    wordings.set(key, wording);
  }
  const byCount = [...wordings.values()].sort((a, b) => b.items.length - a.items.length);
  const groups: Array<QuestionGroup<T> & { terms: Set<string> }> = [];
  for (const wording of byCount) {
    const terms = termsOf(analyze(wording.text));
    let best: (typeof groups)[number] | undefined;
    let bestSimilarity = minSimilarity;
    for (const group of groups) {
      if (group.knowledgeBase !== wording.knowledgeBase) continue;
      const similarity = dice(terms, group.terms);
      if (similarity >= bestSimilarity) [best, bestSimilarity] = [group, similarity];
    }
    if (best) best.items.push(...wording.items);
    else groups.push({ knowledgeBase: wording.knowledgeBase, leader: wording.text, items: [...wording.items], terms });
  }
  return groups.map(({ terms: _terms, ...group }) => group).sort((a, b) => b.items.length - a.items.length);
}

function termsOf(analyzed: AnalyzedText): Set<string> {
  return new Set([
    ...analyzed.words.map((w) => `w:${w}`),
    ...analyzed.charGrams.map((g) => `g:${g}`),
    ...analyzed.concepts.map((c) => `c:${c}`),
  ]);
}

function dice(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let shared = 0;
  for (const term of a) if (b.has(term)) shared++;
  return (2 * shared) / (a.size + b.size);
}
