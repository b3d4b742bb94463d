import type { InboundMessage } from '../types.ts';

/**
 * What PostgreSQL cannot store: a NUL character (text and jsonb refuse U+0000) and a lone UTF-16
 * surrogate (not a Unicode scalar value, so it has no UTF-8 form; jsonb refuses its `\ud800`
 * escape). With the `u` flag a surrogate pair is one code point outside D800–DFFF, so only lone
 * halves match.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is one of the characters this finds.
const UNSTORABLE = /[\u0000\ud800-\udfff]/gu;
const REPLACEMENT = '\ufffd';

/** Whether any string in `value` (parsed JSON: keys too) holds a character the database would refuse. */
export function holdsUnstorableText(value: unknown): boolean {
  if (typeof value === 'string') return new RegExp(UNSTORABLE.source, 'u').test(value);
  if (Array.isArray(value)) return value.some(holdsUnstorableText);
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).some(([k, v]) => holdsUnstorableText(k) || holdsUnstorableText(v));
  }
  return false;
}

// Without the `u` flag: NUL or any surrogate half, paired or not. Most text has neither, and this
// test costs a third to a half of the `u` scan (34–67 against 100–170 ns per string): every string
// of every callback passes here.
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is one of the characters this finds.
const MAYBE_UNSTORABLE = /[\u0000\ud800-\udfff]/;

/** `text` with every NUL and lone surrogate replaced by U+FFFD, as a UTF-8 decoder does with bad bytes. */
export function storableText(text: string): string {
  return MAYBE_UNSTORABLE.test(text) ? text.replace(UNSTORABLE, REPLACEMENT) : text;
}

// Plain objects and arrays are walked; anything else (the Date of sentAt, numbers) is kept as it is.
function storableValue(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (Array.isArray(value)) return value.map(storableValue);
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [storableText(k), storableValue(v)]));
  }
  return value;
}

/**
 * The one normalisation of platform input before it is stored: every string of the message —
 * customer id, dedupe key, text, names, event keys, details — made storable. A signed platform
 * callback that the database refused would be answered 5xx and retried by the platform forever,
 * so its odd characters are replaced rather than refused. (The web channel refuses instead: a
 * visitor can be told, see src/channels/web/request-input.ts.)
 */
export function storableMessage(message: InboundMessage): InboundMessage {
  return storableValue(message) as InboundMessage;
}
