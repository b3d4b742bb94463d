import type { AnalyzedText } from '../brain/retrieval/text-analyzer.ts';
import type { Database } from '../db/connect.ts';
import { groupSimilarQuestions } from './group-similar-questions.ts';
import { listUnansweredTurns, type UnansweredReason } from './unanswered-turns.ts';

export interface UnansweredGroup {
  knowledgeBase: string;
  /** The most asked wording: the proposed standard question. */
  question: string;
  /** Questions asked (turns) in the group. */
  count: number;
  reasons: Record<UnansweredReason, number>;
  /** Each distinct wording with how often it was asked, most asked first. */
  wordings: Array<{ text: string; count: number }>;
  /** The customer messages of the group: what answering it marks fixed. */
  questionIds: number[];
  lastAskedAt: Date;
}

/** 未知问题 as the console lists it: the unanswered turns of the last 30 days, grouped, biggest first. */
export async function listUnansweredGroups(
  db: Database,
  analyze: (text: string) => AnalyzedText,
  limit: number,
): Promise<{ groups: UnansweredGroup[]; turns: number }> {
  const turns = await listUnansweredTurns(db);
  const groups = groupSimilarQuestions(turns, analyze)
    .slice(0, limit)
    .map((group) => {
      // A turn the bot declined AND the customer gave a 👎 is one question asked, with two reasons.
      const reasons: Record<UnansweredReason, number> = { declined: 0, handoff: 0, thumbs_down: 0 };
      for (const turn of group.items) reasons[turn.reason] += 1;
      const asked = [...new Map(group.items.map((turn) => [turn.questionId, turn])).values()];
      const wordings = new Map<string, number>();
      for (const turn of asked) wordings.set(turn.text.trim(), (wordings.get(turn.text.trim()) ?? 0) + 1);
      return {
        knowledgeBase: group.knowledgeBase,
        question: group.leader,
        count: asked.length,
        reasons,
        wordings: [...wordings].map(([text, count]) => ({ text, count })).sort((a, b) => b.count - a.count),
        questionIds: asked.map((t) => t.questionId),
        lastAskedAt: new Date(Math.max(...group.items.map((t) => t.at.getTime()))),
      };
    });
  return { groups, turns: turns.length };
}
