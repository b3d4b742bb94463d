import type { ConceptLexicon } from './lexicon.ts';

/**
 * Finds the concepts of the concept lexicon in a text. Phrases are looked up by their first
 * character at every position, so a text costs about (its length × phrases per first character)
 * `startsWith` calls: a few microseconds for a question, cheap enough to index 50,000 chunks.
 */
export class ConceptMatcher {
  /** First character → phrases starting with it, each with its concepts ('' = a domain word). */
  private readonly byFirstChar = new Map<string, { phrase: string; concepts: string[] }[]>();

  constructor(lexicon: ConceptLexicon) {
    const add = (phrase: string, concepts: string[]) => {
      const first = phrase[0]!;
      const list = this.byFirstChar.get(first) ?? [];
      list.push({ phrase, concepts });
      this.byFirstChar.set(first, list);
    };
    for (const [phrase, concepts] of lexicon.phrases) add(phrase, concepts);
    for (const word of lexicon.domainWords) add(word, ['']);
  }

  get empty(): boolean {
    return this.byFirstChar.size === 0;
  }

  /**
   * Concepts the text expresses, each once, in order of first mention, and whether it mentions
   * the store's domain at all (a concept or a domain word). `text` must be normalized.
   */
  match(text: string): { concepts: string[]; inDomain: boolean } {
    const found = new Set<string>();
    let inDomain = false;
    for (let i = 0; i < text.length; i++) {
      const candidates = this.byFirstChar.get(text[i]!);
      if (candidates === undefined) continue;
      for (const { phrase, concepts } of candidates) {
        if (!text.startsWith(phrase, i)) continue;
        inDomain = true;
        for (const concept of concepts) if (concept !== '') found.add(concept);
      }
    }
    return { concepts: [...found], inDomain };
  }
}
