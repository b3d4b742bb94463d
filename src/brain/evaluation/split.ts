import type { EvalItem } from './eval-set.ts';

/** Share of each stratum used for tuning; the rest is held out and judges the targets. */
export const DEV_SHARE = 0.6;

export interface EvalSplit {
  /** Questions weights, lexicon and threshold may be tuned on. */
  dev: EvalItem[];
  /** Questions only ever measured: the honest estimate, and what the targets are judged on. */
  heldOut: EvalItem[];
}

/**
 * Splits an eval set into dev and held-out parts, stratified by intent (out-of-scope questions
 * are their own intent), so both parts have the same mix. Within a stratum questions are ordered
 * by a hash of their text and the first 60% go to dev: the split is the same on every machine and
 * run. It is made once per domain, when its questions are written (scripts/split-eval-set.ts);
 * from then on the committed dev and held-out files are the split, and a test checks they still
 * are this function's output.
 */
export function splitEvalSet(items: readonly EvalItem[], devShare = DEV_SHARE): EvalSplit {
  const strata = new Map<string, EvalItem[]>();
  for (const item of items) {
    const key = `${item.expected === null ? 'oos' : 'in'}:${item.intent}`;
    strata.set(key, [...(strata.get(key) ?? []), item]);
  }
  const dev = new Set<EvalItem>();
  for (const stratum of strata.values()) {
    const ordered = [...stratum].sort((a, b) => fnv1a(a.question) - fnv1a(b.question) || a.question.localeCompare(b.question));
    for (const item of ordered.slice(0, Math.round(ordered.length * devShare))) dev.add(item);
  }
  // Both parts keep the file's order, so reports read like the set.
  return { dev: items.filter((item) => dev.has(item)), heldOut: items.filter((item) => !dev.has(item)) };
}

/** 32-bit FNV-1a over UTF-16 code units: tiny, stable, and good enough to shuffle questions. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
