import { z } from 'zod';
import type { KnowledgeLookup } from '../brain/knowledge/look-up-knowledge.ts';
import { KnowledgeStore } from '../brain/knowledge/knowledge-store.ts';
import { knowledgeBaseOfConversation } from '../conversations/knowledge-base-of-conversation.ts';
import type { Database } from '../db/connect.ts';
import { RejectedRequestError } from '../errors.ts';
import type { StaffRole } from '../staff/roles.ts';
import type { ApiRegistry } from './api-registry.ts';
import { idParam } from './api-schemas.ts';

/** Who answers customers, and so searches what the bot knows. */
const SEARCH_ROLES: readonly StaffRole[] = ['admin', 'supervisor', 'agent'];

const searchQuery = z.object({
  q: z.string().trim().min(1).max(500),
  conversationId: idParam.shape.id.optional(),
  kb: z.string().trim().min(1).max(100).optional(),
  limit: z.coerce.number().int().min(1).max(20).default(5),
});

const knowledgeHit = z
  .object({
    chunkId: z.string(),
    kbName: z.string(),
    /** The document (file name) the entry was imported from. */
    document: z.string(),
    /** An FAQ entry's standard question; null for a passage of a document. */
    question: z.string().nullable(),
    /** What to insert into the reply: an FAQ entry's answer, or the passage itself (what the bot quotes offline). */
    answer: z.string(),
    /** The question, similar question or passage that matched best. */
    matchedText: z.string(),
    /** Orders the results (higher is better); fused with vectors it means nothing beyond that. */
    score: z.number(),
  })
  .meta({ id: 'KnowledgeHit' });

/** Knowledge search for the reply box: the bot's own search, over the conversation's knowledge base. */
export function registerKnowledgeRoutes(api: ApiRegistry, deps: { db: Database; knowledge: KnowledgeLookup }): void {
  const store = new KnowledgeStore(deps.db);
  api.operation({
    method: 'get',
    path: '/api/knowledge/search',
    summary:
      'Search a knowledge base as the bot does: `kb` names one, else the knowledge base of `conversationId`, else `default`. The first search of an API process loads the indexes (seconds)',
    tag: 'knowledge',
    access: SEARCH_ROLES,
    query: searchQuery,
    success: {
      status: 200,
      description: 'Best first',
      schema: z.object({ kbName: z.string(), results: z.array(knowledgeHit) }),
    },
    async handle({ query, caller }) {
      // A name typed by the caller must exist; the one a channel account is configured with is
      // searched as the bot searches it, empty until something is imported into it.
      if (query.kb && !(await store.hasKnowledgeBase(query.kb))) {
        throw new RejectedRequestError('not_found', `there is no knowledge base ${query.kb}`, 404);
      }
      const kbName =
        query.kb ?? (query.conversationId ? await knowledgeBaseOfConversation(deps.db, caller, query.conversationId) : 'default');
      const hits = await deps.knowledge.search(kbName, query.q, query.limit);
      return {
        kbName,
        results: hits.map((hit) => ({
          chunkId: hit.chunkId,
          kbName: hit.chunk.kbName,
          document: hit.chunk.documentId,
          question: hit.chunk.questions?.[0] ?? null,
          answer: hit.chunk.answer ?? hit.chunk.text,
          matchedText: hit.matchedText,
          score: Math.round(hit.score * 1000) / 1000,
        })),
      };
    },
  });
}
