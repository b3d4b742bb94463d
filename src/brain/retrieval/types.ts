/**
 * What retrieval indexes and returns. Loaders (the CSV importer today, the database tomorrow)
 * produce IndexedChunks; any retriever (lexical here, dense vectors later) returns SearchHits, so
 * their result lists can be fused with `rrf`.
 */

export interface IndexedChunk {
  /** Stable id of the chunk; unique across all knowledge bases held by one index. */
  id: string;
  kbName: string;
  /** The imported document (file) the chunk came from; a re-import replaces all its chunks. */
  documentId: string;
  /** Searchable text: the passage itself, or for an FAQ entry its question and answer. */
  text: string;
  /**
   * FAQ entries only: the standard question first, then its similar questions. Each is indexed
   * as a separate key pointing to this chunk, and the best-matching key decides the score.
   */
  questions?: string[];
  /** FAQ entries only: the answer given verbatim in offline mode. */
  answer?: string;
  metadata: Record<string, unknown>;
}

export interface SearchHit {
  chunkId: string;
  /**
   * Higher is better. A lexical score is about 1 when the key says everything the query says and
   * near 0 when it shares little; an RRF-fused score only orders hits.
   */
  score: number;
  chunk: IndexedChunk;
  /** The key (question, similar question, answer or passage) that matched best. */
  matchedText: string;
}

export interface Retriever {
  search(query: string, k: number): SearchHit[];
}
