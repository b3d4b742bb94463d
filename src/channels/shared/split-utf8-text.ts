/**
 * Splits a reply into parts of at most `maxBytes` bytes of UTF-8, for WeChat-family text APIs that
 * cap a text message by bytes (kf/send_msg: 2048 bytes, https://developer.work.weixin.qq.com/document/path/94677).
 * Cuts at a paragraph or sentence end when one lies in the second half of the window, else at a
 * clause mark, else at a character boundary — never inside a UTF-8 sequence or a surrogate pair.
 * One rule for every channel that caps texts by bytes.
 */
const SENTENCE_END = /[\n。！？!?；;]/u;
const CLAUSE_END = /[，,、：:\s]/u;

export function splitUtf8Text(text: string, maxBytes: number): string[] {
  const parts: string[] = [];
  const chars = Array.from(text);
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
