import type { ConceptLexicon } from './lexicon.ts';

/**
 * Finds the concepts of the concept lexicon in a text. At every position, one-character phrases
 * are looked up by that character and longer ones by the two characters starting there, so a
 * text costs about one or two map lookups per character plus a `startsWith` for the few phrases
 * sharing a two-character prefix: about a microsecond per ten characters, cheap enough to index
 * 50,000 chunks.
 */
export class ConceptMatcher {
  /** One-character phrase (UTF-16 code) → its concepts. */
  private readonly single = new Map<number, string[]>();
  /** First two UTF-16 codes → the longer phrases starting with them, with their concepts. */
  private readonly byPrefix = new Map<number, { phrase: string; concepts: string[] }[]>();

  constructor(lexicon: ConceptLexicon) {
    for (const [phrase, concepts] of lexicon.phrases) {
      if (phrase.length === 1) {
        const code = phrase.charCodeAt(0);
        this.single.set(code, [...(this.single.get(code) ?? []), ...concepts]);
        continue;
      }
      const prefix = pairKey(phrase, 0);
      const list = this.byPrefix.get(prefix) ?? [];
      list.push({ phrase, concepts });
      this.byPrefix.set(prefix, list);
    }
  }

  get empty(): boolean {
    return this.single.size === 0 && this.byPrefix.size === 0;
  }

  /** Concepts the text expresses, each once, in order of first mention. `text` must be normalized. */
  match(text: string): string[] {
    const found = new Set<string>();
    for (let i = 0; i < text.length; i++) {
      const single = this.single.get(text.charCodeAt(i));
      if (single !== undefined) for (const concept of single) found.add(concept);
      if (i + 1 >= text.length) continue;
      const candidates = this.byPrefix.get(pairKey(text, i));
      if (candidates === undefined) continue;
      for (const { phrase, concepts } of candidates) if (text.startsWith(phrase, i)) for (const concept of concepts) found.add(concept);
    }
    return [...found];
  }
}

/** Two UTF-16 code units as one number: a map key without allocating a string per position. */
function pairKey(text: string, at: number): number {
  return text.charCodeAt(at) * 0x10000 + text.charCodeAt(at + 1);
}
