import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { Brain, BrainDecision, ConversationContext, CustomerMessage } from './types.ts';

const faqFileSchema = z.object({
  entries: z.array(z.object({ id: z.string(), questions: z.array(z.string()).min(1), answer: z.string().min(1) })).min(1),
});
export type FaqEntry = z.infer<typeof faqFileSchema>['entries'][number];

export function loadFaqFile(path: string): FaqEntry[] {
  const parsed = faqFileSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new Error(`FAQ_FILE ${path}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  return parsed.data.entries;
}

/** Character bigrams: robust to Chinese word boundaries without a segmenter. */
function bigrams(text: string): Set<string> {
  const chars = Array.from(text.toLowerCase().replace(/[\s\p{P}\p{S}]/gu, ''));
  const grams = new Set<string>();
  for (let i = 0; i < chars.length - 1; i++) grams.add(chars[i]! + chars[i + 1]!);
  if (chars.length === 1) grams.add(chars[0]!);
  return grams;
}

/** Share of the FAQ question's bigrams that the customer's text contains. */
function coverage(question: Set<string>, text: Set<string>): number {
  if (question.size === 0) return 0;
  let hit = 0;
  for (const g of question) if (text.has(g)) hit++;
  return hit / question.size;
}

/**
 * The offline brain: answers from a FAQ file by bigram matching, otherwise tells the customer a
 * person will follow up and flags the conversation. Needs no model, so the service answers out of
 * the box.
 */
export class FaqBrain implements Brain {
  private readonly index: Array<{ entry: FaqEntry; grams: Set<string>[] }>;

  constructor(
    entries: FaqEntry[],
    private readonly fallbackText: string,
    private readonly threshold = 0.6,
  ) {
    this.index = entries.map((entry) => ({ entry, grams: entry.questions.map(bigrams) }));
  }

  async answer(_conversation: ConversationContext, newMessages: CustomerMessage[]): Promise<BrainDecision> {
    const text = bigrams(newMessages.map((m) => m.text).join(' '));
    let best: { entry: FaqEntry; score: number } | undefined;
    for (const { entry, grams } of this.index) {
      const score = Math.max(...grams.map((g) => coverage(g, text)));
      if (!best || score > best.score) best = { entry, score };
    }
    if (best && best.score >= this.threshold) {
      return { kind: 'reply', text: best.entry.answer, meta: { faqEntry: best.entry.id, score: Number(best.score.toFixed(3)) } };
    }
    return { kind: 'handoff', reason: 'no_answer', text: this.fallbackText, meta: { bestScore: best ? Number(best.score.toFixed(3)) : 0 } };
  }
}
