import type { CallbackManagerForRetrieverRun } from '@langchain/core/callbacks/manager';
import { Document } from '@langchain/core/documents';
import { BaseRetriever, type BaseRetrieverInput } from '@langchain/core/retrievers';
import type { SearchHit } from '../retrieval/types.ts';

export interface KnowledgeRetrieverInput extends BaseRetrieverInput {
  /** The hybrid search of one knowledge base (see KnowledgeIndexes.search). */
  search: (query: string, k: number) => Promise<SearchHit[]>;
  k?: number;
}

/**
 * The knowledge-base search as a LangChain retriever, for chains and agents built on LangChain:
 * each hit becomes a Document whose metadata carries the chunk id (what the model cites), the
 * document, the score and, for FAQ entries, the questions.
 */
export class KnowledgeRetriever extends BaseRetriever {
  lc_namespace = ['kefu_hub', 'retrievers'];
  private readonly searchHits: KnowledgeRetrieverInput['search'];
  private readonly k: number;

  constructor(input: KnowledgeRetrieverInput) {
    super(input);
    this.searchHits = input.search;
    this.k = input.k ?? 5;
  }

  override async _getRelevantDocuments(query: string, _runManager?: CallbackManagerForRetrieverRun): Promise<Document[]> {
    return (await this.searchHits(query, this.k)).map(hitToDocument);
  }
}

export function hitToDocument(hit: SearchHit): Document {
  return new Document({
    id: hit.chunkId,
    pageContent: hit.chunk.text,
    metadata: {
      ...hit.chunk.metadata,
      chunkId: hit.chunkId,
      kbName: hit.chunk.kbName,
      documentId: hit.chunk.documentId,
      score: hit.score,
      ...(hit.chunk.questions && { questions: hit.chunk.questions }),
      ...(hit.chunk.answer !== undefined && { answer: hit.chunk.answer }),
    },
  });
}
