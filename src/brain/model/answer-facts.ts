/**
 * The checkable facts of a text — URLs, phone numbers, dates, times of day, identifiers, prices
 * and other numbers — each under a normalized key, so that a model's answer can be held to the
 * passages it cites: 「７天」 (full-width), 「七天」 and 「7天」 are one fact, as are ¥99, ￥99.00,
 * 99元 and 99块, or 2026-11-29 and 2026年11月29日.
 */

export type FactKind = 'url' | 'phone' | 'date' | 'time' | 'id' | 'number';

export interface Fact {
  kind: FactKind;
  /** As written (after NFKC). */
  text: string;
  /** Normalized: equal keys are the same fact. */
  key: string;
}

// Applied in this order; each match is blanked before the next runs,
// so the digits of a URL, phone or date are not read again as plain numbers.
const URL =
  /\bhttps?:\/\/[^\s，。；、！？）)”"'<>]+|\bwww\.[^\s，。；、！？）)”"'<>]+|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|cn|net|org|top|vip|shop)\b(?:\/[^\s，。；、！？）)”"'<>]*)?/gi;
// Mainland mobile numbers (11 digits from 1[3-9]), 400/800 service numbers and landlines with an
// area code, with the separators people write (spaces, hyphens), optionally after +86.
const PHONE = /(?<![\dA-Za-z])(?:\+?86[\s-]?)?(?:1[3-9]\d(?:[\s-]?\d{4}){2}|[48]00[\s-]?\d{3}[\s-]?\d{4}|0\d{2,3}[\s-]?\d{7,8})(?!\d)/g;
const ID = /\b[A-Za-z]{1,6}[-_]?\d{4,}[A-Za-z\d]*\b/g;
const CN_DIGITS = '零〇一二两三四五六七八九十百千万';
const NUM = `(?:\\d+|[${CN_DIGITS}]+)`;
const DATE_ISO = /(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)/g;
const DATE_CN = new RegExp(`(?:(\\d{4}|[${CN_DIGITS}]{4})年)?(${NUM})月(?:(${NUM})[日号])?`, 'g');
const TIME_COLON = /(?<!\d)([01]?\d|2[0-3])[:：]([0-5]\d)(?!\d)/g;
const TIME_CN = new RegExp(`(上午|早上|中午|下午|晚上)?(${NUM})点(半|(${NUM})分?)?`, 'g');
// A number with its multiplier (1.5万 is 15000; 千 is left alone: 3千克 is three kilograms);
// thousands separators are dropped, and ¥, 元, % are the unit, not the fact.
const ARABIC = /(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?:\s*(万|亿))?/g;
// Chinese numerals count only before a unit: 一 on its own is mostly a word (一下, 统一, 一个问题),
// so a lone 一 is never a fact of an answer.
const CN_UNITS =
  '天|日|个|元|块|角|小时|分钟|秒|年|月|周|星期|次|件|折|倍|人|岁|张|份|公斤|斤|克|千克|米|公里|层|楼|期|节|课时|课|位|套|瓶|盒|箱|台|颗|种|家|毫升|升|成';
const CN_NUMBER = new RegExp(`[${CN_DIGITS}]+(?=${CN_UNITS})`, 'g');
const LIST_MARKER = /^[ \t]*\d{1,2}[.、)）](?!\d)/gm;

export function extractFacts(text: string): Fact[] {
  let rest = text.normalize('NFKC');
  const facts: Fact[] = [];
  const take = (pattern: RegExp, toFacts: (m: RegExpExecArray) => Fact[]) => {
    rest = rest.replace(pattern, (...args) => {
      const match = args.slice(0, -2) as unknown as RegExpExecArray;
      const found = toFacts(match);
      facts.push(...found);
      return found.length > 0 ? ' '.repeat(match[0].length) : match[0];
    });
  };
  take(URL, (m) => [{ kind: 'url', text: m[0], key: `url:${normalizeUrl(m[0])}` }]);
  take(ID, (m) => [{ kind: 'id', text: m[0], key: `id:${m[0].toUpperCase().replace(/[-_]/g, '')}` }]);
  take(PHONE, (m) => [{ kind: 'phone', text: m[0], key: `phone:${m[0].replace(/\D/g, '').replace(/^86(?=1\d{10}$|[48]00|0)/, '')}` }]);
  take(DATE_ISO, (m) => [dateFact(m[0], Number(m[1]), Number(m[2]), Number(m[3]))]);
  take(DATE_CN, (m) => {
    const month = numeralValue(m[2]!);
    if (month < 1 || month > 12) return [];
    const year = m[1] === undefined ? undefined : /\d/.test(m[1]) ? Number(m[1]) : digitsByDigit(m[1]);
    return [dateFact(m[0], year, month, m[3] === undefined ? undefined : numeralValue(m[3]))];
  });
  take(TIME_COLON, (m) => [timeFact(m[0], Number(m[1]), Number(m[2]))]);
  take(TIME_CN, (m) => {
    // 「快一点」「有一点」 are not one o'clock; with 上午/下午 it is.
    if (m[2] === '一' && !m[1]) return [];
    let hour = numeralValue(m[2]!);
    if (m[1] && /下午|晚上/.test(m[1]) && hour < 12) hour += 12;
    const minute = m[3] === '半' ? 30 : m[4] === undefined ? 0 : numeralValue(m[4]);
    return hour > 24 || minute > 59 ? [] : [timeFact(m[0], hour, minute)];
  });
  // 「1. 」「2、」 at the start of a line number a list; they state nothing.
  rest = rest.replace(LIST_MARKER, (marker) => ' '.repeat(marker.length));
  take(ARABIC, (m) => {
    const scale = m[3] === '万' ? 1e4 : m[3] === '亿' ? 1e8 : 1;
    return [numberFact(m[0], Number(m[1]!.replace(/,/g, '') + (m[2] ?? '')) * scale)];
  });
  take(CN_NUMBER, (m) => (m[0] === '一' ? [] : [numberFact(m[0], numeralValue(m[0]))]));
  return facts;
}

/**
 * The keys a set of passages supports: their own facts, each date also without its year or day
 * (「11月29日」 is supported by 「2026年11月29日」), and every number written anywhere in them,
 * the parts of their dates, times and phone numbers included.
 */
export function supportedKeys(passages: readonly string[]): Set<string> {
  const keys = new Set<string>();
  for (const passage of passages) {
    for (const fact of extractFacts(passage)) {
      keys.add(fact.key);
      if (fact.kind === 'date') {
        const [year, month, day] = fact.key.slice('date:'.length).split('-');
        for (const y of [year, '']) for (const d of [day, '']) keys.add(`date:${y}-${month}-${d}`);
      }
    }
    const text = passage.normalize('NFKC');
    for (const digits of text.match(/\d+(?:\.\d+)?/g) ?? []) keys.add(numberFact(digits, Number(digits)).key);
    for (const numeral of text.match(new RegExp(`[${CN_DIGITS}]+`, 'g')) ?? []) keys.add(numberFact(numeral, numeralValue(numeral)).key);
  }
  return keys;
}

/**
 * The facts of a model's answer that the cited passages do not support. Identifiers and phone
 * numbers the customer wrote themselves may be said back (「您的订单DD2024…」); a price, date,
 * URL or any other number must come from the passages, even one the customer suggested.
 */
export function unsupportedFacts(answer: string, passages: readonly string[], customerText = ''): Fact[] {
  const supported = supportedKeys(passages);
  const echoed = new Set(
    extractFacts(customerText)
      .filter((fact) => fact.kind === 'id' || fact.kind === 'phone')
      .map((fact) => fact.key),
  );
  return extractFacts(answer).filter((fact) => !supported.has(fact.key) && !echoed.has(fact.key));
}

function numberFact(text: string, value: number): Fact {
  return { kind: 'number', text, key: `num:${Number(value.toPrecision(12))}` };
}

function normalizeUrl(url: string): string {
  return url
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/^www\./, '')
    .replace(/[/.]+$/, '');
}

function dateFact(text: string, year: number | undefined, month: number, day: number | undefined): Fact {
  return { kind: 'date', text, key: `date:${[year ?? '', month, day ?? ''].join('-')}` };
}

function timeFact(text: string, hour: number, minute: number): Fact {
  return { kind: 'time', text, key: `time:${hour}:${String(minute).padStart(2, '0')}` };
}

const CN_VALUES: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const CN_SCALES: Record<string, number> = { 十: 10, 百: 100, 千: 1000, 万: 10000 };

/** 十五 → 15, 一百二十 → 120, 两万 → 20000, 二〇二六 → 2026 (digit by digit when there is no scale). */
export function numeralValue(numeral: string): number {
  if (/^\d+(\.\d+)?$/.test(numeral)) return Number(numeral);
  if (!/[十百千万]/.test(numeral)) return digitsByDigit(numeral);
  let total = 0;
  let section = 0;
  let digit = 0;
  for (const char of numeral) {
    if (char in CN_VALUES) {
      digit = CN_VALUES[char]!;
    } else if (char === '万') {
      total += (section + digit) * 10000;
      section = 0;
      digit = 0;
    } else {
      // 十 alone means 1×10 (十五 = 15).
      section += (digit === 0 ? 1 : digit) * CN_SCALES[char]!;
      digit = 0;
    }
  }
  return total + section + digit;
}

function digitsByDigit(numeral: string): number {
  return Number(Array.from(numeral, (c) => CN_VALUES[c] ?? 0).join(''));
}
