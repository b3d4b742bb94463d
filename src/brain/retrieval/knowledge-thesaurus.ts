import type { CedictGlosses } from './cedict-glosses.ts';

/**
 * A knowledge base's words reached from words it never uses, through CC-CEDICT (see
 * CedictGlosses): a customer's 走廊 reaches a property FAQ's 楼道 (both "corridor"). Learned when
 * the knowledge base is indexed (gloss → its words that have it), so a question only looks its
 * unknown words' glosses up. Only specific glosses count: one that more than `mostHeadwords`
 * headwords have ("to do", "good") relates everything to everything.
 */
export class KnowledgeThesaurus {
  private constructor(
    private readonly glosses: CedictGlosses,
    private readonly mostHeadwords: number,
    /** Gloss id → the knowledge base's words that have it. */
    private readonly wordsByGloss: ReadonlyMap<number, readonly string[]>,
  ) {}

  static build(glosses: CedictGlosses, knowledgeWords: Iterable<string>, mostHeadwords: number): KnowledgeThesaurus {
    const wordsByGloss = new Map<number, string[]>();
    for (const word of knowledgeWords) {
      for (const id of glosses.specificGlosses(word, mostHeadwords)) {
        const words = wordsByGloss.get(id);
        if (words === undefined) wordsByGloss.set(id, [word]);
        else words.push(word);
      }
    }
    return new KnowledgeThesaurus(glosses, mostHeadwords, wordsByGloss);
  }

  /** The knowledge base's words that share a specific gloss with `word`; none when it shares none. */
  related(word: string): string[] {
    const related = new Set<string>();
    for (const id of this.glosses.specificGlosses(word, this.mostHeadwords)) {
      for (const known of this.wordsByGloss.get(id) ?? []) if (known !== word) related.add(known);
    }
    return [...related];
  }
}
