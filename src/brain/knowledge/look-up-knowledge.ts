import type { SearchHit } from '../retrieval/types.ts';
import type { SmallTalk } from '../smalltalk/small-talk.ts';
import type { KnowledgeIndexes } from './knowledge-indexes.ts';

/** A knowledge-base search for people (the agent's reply box), answered the way the bot searches. */
export interface KnowledgeLookup {
  /** The best `k` hits for `text` in the knowledge base `kbName`, best first; none for an unknown one. */
  search(kbName: string, text: string, k: number): Promise<SearchHit[]>;
}

/**
 * The bot's own search, not a second one: the question in the text with greetings and thanks cut
 * off (both brains do this first; pure small talk is searched as typed, as the model brain does),
 * looked up with the knowledge base's hybrid search, the model brain's retrieval. Without vectors
 * the hybrid search is the lexical index alone, the offline brain's.
 */
export function lookUpKnowledge(knowledge: { smallTalk: SmallTalk; indexes: KnowledgeIndexes }): KnowledgeLookup {
  return {
    search(kbName, text, k) {
      const question = knowledge.smallTalk.classify(text).question;
      return knowledge.indexes.search(kbName, question || text, k);
    },
  };
}
