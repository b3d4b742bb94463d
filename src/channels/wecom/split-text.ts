/**
 * WeCom text messages carry at most 2048 bytes of UTF-8 and truncate anything longer
 * (发送应用消息 https://developer.work.weixin.qq.com/document/path/90236), so long replies are split
 * here: at a paragraph or sentence end when one lies in the second half of the window, else at a
 * clause mark, else at a character boundary — never inside a UTF-8 sequence or a surrogate pair.
 */
export const WECOM_TEXT_MAX_BYTES = 2048;

const SENTENCE_END = /[\n。！？!?；;]/u;
const CLAUSE_END = /[，,、：:\s]/u;

export function splitUtf8Text(text: string, maxBytes: number = WECOM_TEXT_MAX_BYTES): string[] {
  const parts: string[] = [];
  const chars = Array.from(text); // code points: a surrogate pair stays whole
  let start = 0;
  while (start < chars.length) {
    let bytes = 0;
    let end = start;
    let lastSentence = -1;
    let lastClause = -1;
    while (end < chars.length) {
      const size = Buffer.byteLength(chars[end]!);
      if (bytes + size > maxBytes) break;
      bytes += size;
      if (SENTENCE_END.test(chars[end]!)) lastSentence = end;
      else if (CLAUSE_END.test(chars[end]!)) lastClause = end;
      end++;
    }
    if (end < chars.length) {
      const half = start + (end - start) / 2;
      if (lastSentence >= half) end = lastSentence + 1;
      else if (lastClause >= half) end = lastClause + 1;
    }
    const part = chars.slice(start, end).join('').trim();
    if (part) parts.push(part);
    start = end;
  }
  return parts;
}
