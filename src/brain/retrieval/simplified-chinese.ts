import * as OpenCC from 'opencc-js/t2cn';

/**
 * Traditional characters rewritten to simplified ones with OpenCC's dictionaries
 * (https://github.com/nk2028/opencc-js), so 「發票怎麼開」 matches 「发票怎么开」. The Hong Kong
 * preset also takes the Taiwan and standard forms (裡, 裏 and 衛, 衞 all become 里, 卫). A general
 * resource, the same for every business: nothing in it is written for one knowledge base.
 */
const convert = OpenCC.Converter({ from: 'hk', to: 'cn' });

/**
 * The characters the conversion changes, found once by converting each CJK ideograph alone. Most
 * text (every simplified knowledge base) contains none of them, and a set lookup per character is
 * far cheaper than the phrase-by-phrase conversion, which indexing 50,000 chunks would feel.
 */
const TRADITIONAL = (() => {
  const changed = new Set<string>();
  for (let code = 0x3400; code <= 0x9fff; code++) {
    const char = String.fromCharCode(code);
    if (convert(char) !== char) changed.add(char);
  }
  return changed;
})();

export function toSimplified(text: string): string {
  for (const char of text) if (TRADITIONAL.has(char)) return convert(text);
  return text;
}
