import type { ClarifyRules } from './handoff/handoff-rules.ts';
import type { SearchHit } from './retrieval/types.ts';
import type { ConversationTurn } from './types.ts';

/** A knowledge-base question offered to a customer the bot could not answer. */
export interface OfferedEntry {
  entryId: string;
  question: string;
  score: number;
}

/**
 * What the bot says when it cannot answer: that it does not know (or, with `missing`, that it
 * knows nothing of the things the question names), the nearest questions of the knowledge base
 * that clear the floor (never junk: none close → none offered), and how to reach a person. The
 * offer is stored in the reply's meta (`decision: 'clarify'`, `offered`), which is how the next
 * turn knows what a bare 「2」 means.
 */
export function offerClarification(
  rules: ClarifyRules,
  hits: readonly SearchHit[],
  missing: readonly string[] = [],
): { text: string; offered: OfferedEntry[] } {
  const offered = offerable(hits.filter((hit) => hit.score >= rules.minScore)).slice(0, rules.maxOffers);
  const heading = missing.length > 0 ? rules.notCovered.replace('{things}', missing.join('、')) : rules.unknown;
  if (offered.length === 0) return { text: [heading, rules.person].join('\n'), offered };
  return { text: [heading, rules.suggest, ...numbered(offered), rules.choose + rules.person].join('\n'), offered };
}

/**
 * A question back when several entries could be meant: 「您想问的是：1. … 2. …」. Stored like a
 * clarify offer (`decision: 'ask'`, `offered`), so the customer's 「2」 or words pick one the same way.
 */
export function askWhichMeant(rules: ClarifyRules, candidates: readonly SearchHit[]): { text: string; offered: OfferedEntry[] } {
  const offered = offerable(candidates);
  return { text: [rules.ask, ...numbered(offered), rules.choose + rules.person].join('\n'), offered };
}

/** FAQ entries among the hits, each once, in order. */
function offerable(hits: readonly SearchHit[]): OfferedEntry[] {
  const offered: OfferedEntry[] = [];
  for (const hit of hits) {
    const question = hit.chunk.questions?.[0];
    if (question === undefined || offered.some((o) => o.entryId === hit.chunkId)) continue;
    offered.push({ entryId: hit.chunkId, question, score: Math.round(hit.score * 1000) / 1000 });
  }
  return offered;
}

const numbered = (offered: readonly OfferedEntry[]) => offered.map((o, i) => `${i + 1}. ${o.question}`);

/** The offer the bot's last word made (a clarify reply or a question back), if it was one (a turn later, it is stale). */
export function pendingOffer(history: readonly ConversationTurn[]): OfferedEntry[] {
  for (let i = history.length - 1; i >= 0; i--) {
    const turn = history[i]!;
    if (turn.from === 'customer' || turn.from === 'agent') return [];
    if (turn.from !== 'bot') continue; // a hold notice says nothing about the offer
    const offered = turn.meta?.decision === 'clarify' || turn.meta?.decision === 'ask' ? turn.meta.offered : undefined;
    return Array.isArray(offered) ? (offered as OfferedEntry[]) : [];
  }
  return [];
}

const NUMERALS = '一二三四五六七八九';
/** 「2」「第二个」「②」（NFKC folds ② to 2）「选2」「2。」: a choice by position. */
const BY_POSITION = /^(?:选|要|看)?第?([1-9一二三四五六七八九])(?:个|条|项|号)?(?:吧|呢|问题)?$/;
const PUNCTUATION = /[\s\p{P}\p{S}]/gu;

/** Which offered entry the customer's reply picks, by its number or by its words; none: undefined. */
export function chosenEntry(text: string, offered: readonly OfferedEntry[]): OfferedEntry | undefined {
  if (offered.length === 0) return undefined;
  const folded = text.normalize('NFKC').replace(PUNCTUATION, '').toLowerCase();
  const position = BY_POSITION.exec(folded)?.[1];
  if (position !== undefined) {
    const index = /\d/.test(position) ? Number(position) : NUMERALS.indexOf(position) + 1;
    return offered[index - 1];
  }
  return offered.find((o) => o.question.normalize('NFKC').replace(PUNCTUATION, '').toLowerCase() === folded);
}

/**
 * Customer turns in a row, before this one, that the bot could not answer: its clarify replies,
 * newest first. An answer or a person's reply ends the run; small talk and hold notices neither
 * end nor extend it. Read from the replies' meta, so a chosen offer (「1」, which retrieval alone
 * could not answer) counts as answered, and the model brain and the offline one count alike.
 */
export function unansweredStreak(history: readonly ConversationTurn[]): number {
  let streak = 0;
  for (let i = history.length - 1; i >= 0; i--) {
    const turn = history[i]!;
    if (turn.from === 'agent') break;
    if (turn.from !== 'bot') continue;
    if (turn.meta?.decision === 'clarify') streak++;
    else if (turn.meta?.smallTalk === undefined) break;
  }
  return streak;
}
