import { pinyin } from 'pinyin-pro';

const HAN = /\p{Script=Han}/u;

/**
 * Syllable pairs a homophone typo leaves intact. Tones are dropped (customers type the wrong tone
 * as often as the wrong character), and the two confusions most common in southern Mandarin are
 * folded: retroflex zh/ch/sh = z/c/s and back-nasal -ng = -n (shi = si, jing = jin).
 */
export function pinyinBigrams(tokens: readonly string[]): string[] {
  // pinyin-pro reads each run of Han text as a whole, so polyphones get the reading their word
  // implies; other tokens (iphone16, pdf) stay one unit each, as in the character channel.
  const syllables: string[] = [];
  let han = '';
  const flushHan = () => {
    if (han !== '') syllables.push(...pinyin(han, { toneType: 'none', type: 'array', v: true }).map(foldSyllable));
    han = '';
  };
  for (const token of tokens) {
    if (HAN.test(token)) han += token;
    else {
      flushHan();
      syllables.push(token);
    }
  }
  flushHan();
  if (syllables.length <= 1) return syllables;
  const grams: string[] = [];
  for (let i = 0; i + 1 < syllables.length; i++) grams.push(`${syllables[i]} ${syllables[i + 1]}`);
  return grams;
}

function foldSyllable(syllable: string): string {
  return syllable.replace(/^([zcs])h/, '$1').replace(/([aei])ng$/, '$1n');
}
