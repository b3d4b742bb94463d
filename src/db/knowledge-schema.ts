import { sql } from 'drizzle-orm';
import { bigint, bigserial, index, integer, jsonb, pgTable, real, serial, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt } from './columns.ts';

/**
 * Knowledge bases the brain answers from. A channel account names one in its settings
 * (`knowledgeBase`); `default` otherwise. Each import of a file is a document version.
 */
export const knowledgeBases = pgTable('knowledge_bases', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  createdAt: createdAt(),
});

export const kbDocumentStatuses = ['importing', 'active', 'replaced'] as const;
export type KbDocumentStatus = (typeof kbDocumentStatuses)[number];

export const kbDocuments = pgTable(
  'kb_documents',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    knowledgeBaseId: integer('knowledge_base_id')
      .notNull()
      .references(() => knowledgeBases.id, { onDelete: 'cascade' }),
    /** Names the document within its knowledge base: the file name; a re-import of it replaces it. */
    name: text('name').notNull(),
    /** Where it was imported from (path as given to the CLI). */
    source: text('source').notNull(),
    /** sha256 of the file: importing identical content again is a no-op. */
    contentHash: text('content_hash').notNull(),
    version: integer('version').notNull(),
    /**
     * importing (being written, not served) → active (served) → replaced (a newer version took
     * over; kept as a record, with its chunks while it is among the last few, so the console can
     * roll back to it; see KEPT_VERSIONS).
     */
    status: text('status').$type<KbDocumentStatus>().notNull(),
    format: text('format').notNull(),
    chunkCount: integer('chunk_count').notNull().default(0),
    createdAt: createdAt(),
    activatedAt: timestamp('activated_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    uniqueIndex('kb_documents_name_version').on(t.knowledgeBaseId, t.name, t.version),
    // One served version per document name.
    uniqueIndex('kb_documents_one_active').on(t.knowledgeBaseId, t.name).where(sql`status = 'active'`),
  ],
);

export const kbChunks = pgTable(
  'kb_chunks',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    documentId: bigint('document_id', { mode: 'number' })
      .notNull()
      .references(() => kbDocuments.id, { onDelete: 'cascade' }),
    /** Order within the document. */
    position: integer('position').notNull(),
    /** Searchable text: the passage, or an FAQ entry's question and answer. */
    text: text('text').notNull(),
    /** FAQ entries: the standard question first, then its similar questions. */
    questions: jsonb('questions').$type<string[]>(),
    /** FAQ entries: the answer given verbatim. */
    answer: text('answer'),
    /** Heading trail, sheet row, page… */
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    /** Dense vector from the embeddings endpoint (EMBEDDING_MODEL), when one is configured. */
    embedding: real('embedding').array(),
    embeddingModel: text('embedding_model'),
  },
  (t) => [index('kb_chunks_document').on(t.documentId, t.position)],
);
