/** Distinct character bigrams of a text, punctuation and case aside. */
export function bigramSet(text: string): Set<string> {
  const chars = [
    ...text
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}]/gu, ''),
  ];
  const grams = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) grams.add(chars[i]! + chars[i + 1]!);
  return grams;
}

export function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const gram of a) if (b.has(gram)) shared++;
  const union = a.size + b.size - shared;
  return union === 0 ? 1 : shared / union;
}

/**
 * Two texts this close (bigram Jaccard ≥ 0.8) are one question with a word changed: an eval
 * question that close to a KB question, or a held-out question that close to a dev one, measures
 * memory, not matching.
 */
export const NEAR_DUPLICATE = 0.8;

/** Pairs `a ~ b` of a text of `questions` and a text of `others` that are near-duplicates. */
export function nearDuplicates(questions: readonly string[], others: readonly string[]): string[] {
  const otherGrams = others.map((text) => ({ text, grams: bigramSet(text) }));
  return questions.flatMap((question) => {
    const grams = bigramSet(question);
    return otherGrams.filter((o) => jaccard(grams, o.grams) >= NEAR_DUPLICATE).map((o) => `${question} ~ ${o.text}`);
  });
}
