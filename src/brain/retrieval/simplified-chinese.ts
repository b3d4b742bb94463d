import * as OpenCC from 'opencc-js/t2cn';

/**
 * Traditional characters rewritten to simplified ones with OpenCC's dictionaries
 * (https://github.com/nk2028/opencc-js), so 「發票怎麼開」 matches 「发票怎么开」. The Hong Kong
 * preset also takes the Taiwan and standard forms (裡, 裏 and 衛, 衞 all become 里, 卫). A general
 * resource, the same for every business: nothing in it is written for one knowledge base.
 */
const convert = OpenCC.Converter({ from: 'hk', to: 'cn' });

/** The block of ideographs searched for characters the conversion changes (Extension A and the Unified block). */
const FIRST = 0x3400;
const LAST = 0x9fff;

/**
 * The characters the conversion changes, found once by converting each CJK ideograph alone, as
 * one flag per code unit. Most text (every simplified knowledge base) contains none of them, and
 * a look-up per UTF-16 code unit, with no string made per character, is far cheaper than the
 * phrase-by-phrase conversion, which indexing 50,000 chunks would feel.
 */
const TRADITIONAL = (() => {
  const changed = new Uint8Array(LAST - FIRST + 1);
  for (let code = FIRST; code <= LAST; code++) {
    const char = String.fromCharCode(code);
    if (convert(char) !== char) changed[code - FIRST] = 1;
  }
  return changed;
})();

export function toSimplified(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= FIRST && code <= LAST && TRADITIONAL[code - FIRST] === 1) return convert(text);
  }
  return text;
}
