import { pinyin } from 'pinyin-pro';

/** Enough for any store's vocabulary; past it the cache starts over rather than grow without bound. */
const CACHE_LIMIT = 200_000;

/**
 * Readings of words for the pinyin channel, whose syllable pairs a homophone typo leaves intact
 * (the analyzer pairs them; a non-Han token such as iphone16 or pdf counts as one unit). Tones are
 * dropped (customers type the wrong tone as often as the wrong character), and the two confusions
 * most common in southern Mandarin are folded: retroflex zh/ch/sh = z/c/s and back-nasal -ng = -n
 * (shi = si, jing = jin).
 */
export class PinyinTerms {
  private readonly cache = new Map<string, string[]>();

  /**
   * Readings are looked up per jieba word: pinyin-pro resolves a polyphone from the word it is in
   * (银行 → yin hang), and a store's vocabulary is small, so the cache makes indexing 50,000
   * chunks several times faster than converting each text whole.
   */
  reading(word: string): string[] {
    let syllables = this.cache.get(word);
    if (syllables === undefined) {
      syllables = pinyin(word, { toneType: 'none', type: 'array', v: true }).map(foldSyllable);
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(word, syllables);
    }
    return syllables;
  }
}

/** zh/ch/sh → z/c/s and -ng → -n after a, e, i (see PinyinTerms). */
export function foldSyllable(syllable: string): string {
  return syllable.replace(/^([zcs])h/, '$1').replace(/([aei])ng$/, '$1n');
}
