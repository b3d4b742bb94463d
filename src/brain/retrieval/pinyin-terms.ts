import { pinyin } from 'pinyin-pro';

const HAN = /\p{Script=Han}/u;
/** Enough for any store's vocabulary; past it the cache starts over rather than grow without bound. */
const CACHE_LIMIT = 200_000;

/**
 * Syllable pairs a homophone typo leaves intact. Tones are dropped (customers type the wrong tone
 * as often as the wrong character), and the two confusions most common in southern Mandarin are
 * folded: retroflex zh/ch/sh = z/c/s and back-nasal -ng = -n (shi = si, jing = jin).
 */
export class PinyinTerms {
  private readonly cache = new Map<string, string[]>();

  /**
   * Bigrams over the syllables of the tokens; a non-Han token (iphone16, pdf) is one unit, as in
   * the character channel. A one-unit text yields that unit.
   */
  bigrams(tokens: readonly string[]): string[] {
    const units = tokens.flatMap((token) => (HAN.test(token) ? this.syllables(token) : [token]));
    if (units.length <= 1) return units;
    const grams: string[] = [];
    for (let i = 0; i + 1 < units.length; i++) grams.push(`${units[i]} ${units[i + 1]}`);
    return grams;
  }

  /**
   * Readings are looked up per jieba word: pinyin-pro resolves a polyphone from the word it is in
   * (银行 → yin hang), and a store's vocabulary is small, so the cache makes indexing 50,000
   * chunks several times faster than converting each text whole.
   */
  private syllables(word: string): string[] {
    let syllables = this.cache.get(word);
    if (syllables === undefined) {
      syllables = pinyin(word, { toneType: 'none', type: 'array', v: true }).map(foldSyllable);
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(word, syllables);
    }
    return syllables;
  }
}

function foldSyllable(syllable: string): string {
  return syllable.replace(/^([zcs])h/, '$1').replace(/([aei])ng$/, '$1n');
}
