import type { LoadedKnowledge } from '../load-brain.ts';
import type { SearchHit } from '../retrieval/types.ts';
import type { Brain } from '../types.ts';
import { type Trial, tryQuestion } from './try-question.ts';

/** What people ask of the bot's knowledge (the reply box, the admin's console), answered the way the bot answers. */
export interface KnowledgeLookup {
  /** The best `k` hits for `text` in the knowledge base `kbName`, best first; none for an unknown one. */
  search(kbName: string, text: string, k: number): Promise<SearchHit[]>;
  /** 「试一试」: `text` asked as a new customer's message, with the trace of how it was decided. */
  tryQuestion(kbName: string, text: string): Promise<Trial>;
  /** The entry the offline brain would answer `question` with (best match above its threshold), if any. */
  answeringEntry(kbName: string, question: string): Promise<SearchHit | undefined>;
  /** Rebuilds this process's index of `kbName` from the database, if the process holds indexes yet. */
  refresh(kbName: string): Promise<void>;
}

/**
 * The bot's own search, not a second one: the question in the text with greetings and thanks cut
 * off (both brains do this first; pure small talk is searched as typed, as the model brain does),
 * looked up with the knowledge base's hybrid search, the model brain's retrieval. Without vectors
 * the hybrid search is the lexical index alone, the offline brain's. Trials are answered by
 * `brain` when the knowledge came with one (a worker's, model included), else by the offline brain.
 */
export function lookUpKnowledge(knowledge: LoadedKnowledge & { brain?: Brain }): KnowledgeLookup {
  return {
    search(kbName, text, k) {
      const question = knowledge.smallTalk.classify(text).question;
      return knowledge.indexes.search(kbName, question || text, k);
    },
    tryQuestion(kbName, text) {
      return tryQuestion({ ...knowledge, brain: knowledge.brain ?? knowledge.offline }, kbName, text);
    },
    async answeringEntry(kbName, question) {
      const { candidates, decision } = knowledge.offline.match(kbName, question);
      return decision.kind === 'answer' ? candidates[0] : undefined;
    },
    refresh: (kbName) => knowledge.indexes.reload(kbName),
  };
}
