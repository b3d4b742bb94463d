import type { ConversationTurn } from '../types.ts';

/**
 * Conversation memory for the model: the most recent turns verbatim, within a token budget, and
 * a rolling summary of the turns before them, itself capped. Older turns are folded into the
 * summary once, as they leave the verbatim window; the summary is stored on the conversation.
 */
export interface MemoryBudget {
  /** Tokens of verbatim recent turns. Keep it below what the worker loads (20 messages). */
  recentTokens: number;
  summaryTokens: number;
}

export interface StoredSummary {
  text: string;
  /** Time of the newest turn folded in. */
  through: Date;
}

export interface SummaryStore {
  load(conversationId: number): Promise<StoredSummary | undefined>;
  save(conversationId: number, summary: StoredSummary): Promise<void>;
}

/** Folds turns into a previous summary (a model call, whose tokens go to `onTokens`); returns the new summary text. */
export type Summarize = (
  previous: string | undefined,
  turns: ConversationTurn[],
  maxChars: number,
  onTokens?: (count: number) => void,
) => Promise<string>;

export interface Recollection {
  summary?: string;
  recent: ConversationTurn[];
}

/**
 * A token is about one Chinese character, or about four characters of Latin text: close enough
 * for budgeting without shipping each model's tokenizer.
 */
export function estimateTokens(text: string): number {
  const cjk = text.match(/[\u3000-\u9fff\uf900-\ufaff\uff00-\uffef]/gu)?.length ?? 0;
  return cjk + Math.ceil((text.length - cjk) / 4);
}

/** Cuts text to the budget, keeping its start. */
export function clampToTokens(text: string, budget: number): string {
  if (estimateTokens(text) <= budget) return text;
  let out = '';
  for (const char of text) {
    if (estimateTokens(out + char) > budget) break;
    out += char;
  }
  return out;
}

/** The newest turns that fit the budget verbatim, and the ones before them. */
export function splitHistory(
  history: readonly ConversationTurn[],
  recentTokens: number,
): { older: ConversationTurn[]; recent: ConversationTurn[] } {
  let used = 0;
  let start = history.length;
  while (start > 0) {
    const cost = estimateTokens(history[start - 1]!.text) + 4; // role and separators
    if (used + cost > recentTokens) break;
    used += cost;
    start--;
  }
  return { older: history.slice(0, start), recent: history.slice(start) };
}

export class ConversationMemory {
  constructor(
    private readonly store: SummaryStore,
    private readonly summarize: Summarize,
    private readonly budget: MemoryBudget,
  ) {}

  async recall(conversationId: number, history: readonly ConversationTurn[], onTokens?: (count: number) => void): Promise<Recollection> {
    const { older, recent } = splitHistory(history, this.budget.recentTokens);
    const stored = await this.store.load(conversationId);
    const unfolded = older.filter((turn) => !stored || turn.at > stored.through);
    if (unfolded.length === 0) return { ...(stored && { summary: stored.text }), recent };
    let folded: string;
    try {
      folded = await this.summarize(stored?.text, unfolded, this.budget.summaryTokens, onTokens);
    } catch {
      // The answer matters more than the summary: carry on with the old one; these turns are
      // folded on a later turn, when the model answers again.
      return { ...(stored && { summary: stored.text }), recent };
    }
    const text = clampToTokens(folded.trim(), this.budget.summaryTokens);
    const summary = { text, through: unfolded[unfolded.length - 1]!.at };
    await this.store.save(conversationId, summary);
    return { summary: summary.text, recent };
  }
}
