import { toSimplified } from '../retrieval/simplified-chinese.ts';
import type { IndexedChunk } from '../retrieval/types.ts';

/**
 * A passage (a chunk of a Markdown, Word, PDF or text document) answers a question with the
 * sentences that answer it, not the whole chunk: a PDF page or a 400-character chunk holds several
 * topics and its headings, and a customer asked one thing. The sentences are cut at 。！？；
 * (and their ASCII forms), lines a PDF wrapped mid-sentence are joined again, list items stay
 * items, and headings — Markdown `#` lines, the trail a chunk carries, and short lines without
 * punctuation such as a PDF's 「以旧换新」 or 「第 3 页」 — are never answer text.
 */
export interface AnsweringSentences {
  /** The sentences, in the passage's order. */
  text: string;
  /** How many sentences the passage had, and how many were taken. */
  of: number;
  taken: number;
}

interface Sentence {
  text: string;
  /** A list item (「1. …」「- …」): joined to its neighbours with a line break. */
  item: boolean;
}

/** Longest answer before neighbours stop being added, in characters. */
const MAX_CHARS = 200;
const ENDS_SENTENCE = /[。！？!?；;…][”’」』）)]*$/u;
const LIST_ITEM = /^(?:[-*•·●▪]\s*|\d{1,2}[.、)）]\s*|[（(]\d{1,2}[)）]\s*|[①-⑳])/u;
const HEADING_NUMBER = /^(?:第[一二三四五六七八九十百\d]+[章节条部分篇]|[一二三四五六七八九十]+、)/u;
// A sentence that starts like this leans on the one before it (「此外，…」「但…」「该服务…」).
const LEANS_BACK = /^(?:此外|另外|但|但是|不过|同时|其中|其|该|此|这|以上|上述|如果是这样)/u;

/** The sentences of a passage (its heading trail and heading lines removed). */
export function passageSentences(chunk: Pick<IndexedChunk, 'text' | 'metadata'>): Sentence[] {
  const heading = typeof chunk.metadata.heading === 'string' ? chunk.metadata.heading : undefined;
  let body = chunk.text.replace(/\r\n?/g, '\n');
  if (heading && body.startsWith(`${heading}\n`)) body = body.slice(heading.length + 1);
  const sentences: Sentence[] = [];
  let open = '';
  const flush = () => {
    if (open.trim()) sentences.push(...splitSentences(open.trim()).map((text) => ({ text, item: false })));
    open = '';
  };
  for (const raw of body.split('\n')) {
    const line = raw.trim();
    if (LIST_ITEM.test(line)) {
      flush();
      sentences.push(...splitSentences(line).map((text, i) => ({ text, item: i === 0 })));
      continue;
    }
    // Inside an unfinished sentence a short line is where a PDF wrapped it, not a heading.
    if (line === '' || /^#{1,6}\s/.test(line) || (open === '' && isHeading(line))) {
      flush();
      continue;
    }
    open = open === '' ? line : joinWrapped(open, line);
    if (ENDS_SENTENCE.test(line)) flush();
  }
  flush();
  return sentences;
}

/**
 * The best-scoring sentence for the question, with the neighbours it needs: the items a sentence
 * ending in 「：」 introduces, the sentence before one that leans back on it, and an adjacent
 * sentence that answers nearly as well. Undefined when the passage has no sentence.
 */
export function answeringSentences(chunk: Pick<IndexedChunk, 'text' | 'metadata'>, question: string): AnsweringSentences | undefined {
  const sentences = passageSentences(chunk);
  if (sentences.length === 0) return undefined;
  const scores = scoreSentences(
    sentences.map((s) => s.text),
    question,
  );
  const best = scores.reduce((top, score, i) => (score > scores[top]! ? i : top), 0);
  const taken = new Set([best]);
  const length = () => [...taken].reduce((sum, i) => sum + sentences[i]!.text.length, 0);
  const add = (i: number) => {
    if (i >= 0 && i < sentences.length && length() + sentences[i]!.text.length <= MAX_CHARS) taken.add(i);
  };
  if (/[：:]$/.test(sentences[best]!.text)) {
    for (let i = best + 1; i < sentences.length && sentences[i]!.item; i++) add(i);
  }
  if (LEANS_BACK.test(sentences[best]!.text)) add(best - 1);
  for (const next of [best - 1, best + 1]) {
    if (scores[next] !== undefined && scores[next]! > 0 && scores[next]! >= 0.6 * scores[best]!) add(next);
  }
  const chosen = [...taken].sort((a, b) => a - b).map((i) => sentences[i]!);
  const text = chosen.map((s, i) => (i > 0 && (s.item || chosen[i - 1]!.item) ? `\n${s.text}` : s.text)).join('');
  return { text, of: sentences.length, taken: chosen.length };
}

/**
 * Character-bigram overlap with the question, each bigram weighted by how rare it is among the
 * passage's sentences (a bigram in every sentence says nothing about which one answers), and
 * single characters as a tie-break. Text is compared after NFKC and traditional-to-simplified.
 */
function scoreSentences(sentences: string[], question: string): number[] {
  const grams = (text: string) => {
    const chars = Array.from(
      toSimplified(text.normalize('NFKC'))
        .toLowerCase()
        .replace(/[\s\p{P}\p{S}]/gu, ''),
    );
    return { bigrams: new Set(chars.slice(1).map((c, i) => chars[i] + c)), chars: new Set(chars) };
  };
  const asked = grams(question);
  const said = sentences.map(grams);
  const rarity = (bigram: string) => Math.log(1 + sentences.length / (1 + said.filter((s) => s.bigrams.has(bigram)).length));
  return said.map((s) => {
    let score = 0;
    for (const bigram of asked.bigrams) if (s.bigrams.has(bigram)) score += rarity(bigram);
    for (const char of asked.chars) if (s.chars.has(char)) score += 0.01;
    return score;
  });
}

function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[。！？!?；;…][”’」』）)]*)(?![”’」』）)])/u)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A heading line: a numbered section title or a short line with no punctuation (「以旧换新」「第 3 页」). */
function isHeading(line: string): boolean {
  return line.length <= 24 && !/[。！？!?；;，,：:]/.test(line.replace(HEADING_NUMBER, ''));
}

/** Lines a PDF wrapped: Chinese runs on without a space, Latin words get one back. */
function joinWrapped(before: string, after: string): string {
  return /[\p{Script=Han}，、（“]$/u.test(before) || /^[\p{Script=Han}，。、）”]/u.test(after) ? before + after : `${before} ${after}`;
}
