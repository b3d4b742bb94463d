import { z } from 'zod';
import { listDocumentVersions, documentChunks } from '../brain/knowledge/document-versions.ts';
import { listFaqEntries } from '../brain/knowledge/edit-faq-entry.ts';
import { KnowledgeStore } from '../brain/knowledge/knowledge-store.ts';
import type { KnowledgeLookup } from '../brain/knowledge/look-up-knowledge.ts';
import { documentExtensions, documentFormats } from '../brain/knowledge/parse-document.ts';
import { kbDocumentStatuses } from '../db/knowledge-schema.ts';
import { readBodyBytes } from '../http/read-body.ts';
import { RejectedRequestError } from '../errors.ts';
import { changeFaqEntry, checkFaqEntry } from '../knowledge-admin/edit-faq-entries.ts';
import type { KnowledgeAdminDeps } from '../knowledge-admin/knowledge-changes.ts';
import { removeDocument, rollBackDocument, uploadDocument } from '../knowledge-admin/manage-documents.ts';
import type { StaffRole } from '../staff/roles.ts';
import type { ApiRegistry } from './api-registry.ts';
import { timestamp } from './api-schemas.ts';

/** The bot's knowledge is a setting: only admins see and change it here. */
const ADMIN: readonly StaffRole[] = ['admin'];

/**
 * The largest file the console uploads: far above any FAQ sheet or manual (a 300-page DOCX is a
 * few MB), low enough that the API process holding it in memory while it parses is no risk.
 */
export const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;

const kbName = z.string().trim().min(1).max(100);
/** A file name: it names the document, and its extension says how it is read. */
const documentName = z
  .string()
  .min(1)
  .max(200)
  .refine((name) => !/[/\\]/.test(name), 'a file name, without folders');
const kbParams = z.object({ kb: kbName });
const documentParams = kbParams.extend({ name: documentName });
const version = z.coerce.number().int().positive().max(2_147_483_647);

const knowledgeDocument = z
  .object({
    name: z.string(),
    version: z.number().int(),
    status: z.enum(kbDocumentStatuses),
    format: z.string(),
    /** Chunks served; for a version being imported, the chunks written so far. */
    chunkCount: z.number().int(),
    source: z.string(),
    createdAt: timestamp,
    activatedAt: timestamp.nullable(),
  })
  .meta({ id: 'KnowledgeDocument' });

const chunkPreview = z
  .object({
    id: z.number().int(),
    position: z.number().int(),
    text: z.string(),
    questions: z.array(z.string()).nullable(),
    answer: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'KnowledgeChunk' });

const faqEntryInput = z.object({
  question: z.string().trim().min(1).max(500),
  similar: z.array(z.string().trim().min(1).max(500)).max(100).default([]),
  answer: z.string().trim().min(1).max(5000),
});
const faqEntry = faqEntryInput.extend({ chunkId: z.number().int(), document: z.string() }).meta({ id: 'FaqEntry' });
const faqConflict = z.object({ question: z.string(), chunkId: z.number().int(), entryQuestion: z.string(), score: z.number().optional() });
const faqCheck = z.object({ duplicates: z.array(faqConflict), nearDuplicates: z.array(faqConflict) }).meta({ id: 'FaqCheck' });

const trial = z
  .object({
    question: z.string(),
    candidates: z.array(
      z.object({
        chunkId: z.string(),
        document: z.string(),
        question: z.string().nullable(),
        text: z.string(),
        matchedText: z.string(),
        scores: z.object({ lexical: z.number().optional(), dense: z.number().optional(), fused: z.number() }),
      }),
    ),
    decision: z.object({
      verdict: z.enum(['answer', 'clarify', 'decline', 'handoff']),
      text: z.string(),
      reason: z.string().optional(),
      meta: z.record(z.string(), z.unknown()),
    }),
    citations: z.array(z.object({ chunkId: z.string(), documentId: z.string().optional() })),
    prompt: z.array(z.object({ role: z.string(), content: z.string() })).optional(),
  })
  .meta({ id: 'KnowledgeTrial' });

/** Knowledge bases, their documents and FAQ entries, and 「试一试」, for admins (issue 15). */
export function registerKnowledgeAdminRoutes(api: ApiRegistry, deps: KnowledgeAdminDeps & { knowledge: KnowledgeLookup }): void {
  const store = new KnowledgeStore(deps.db);
  const base = { tag: 'knowledge admin', access: ADMIN };

  api.operation({
    ...base,
    method: 'get',
    path: '/api/knowledge-bases',
    summary: 'Knowledge bases with their served documents and chunks, and what an upload may be (extensions, bytes)',
    success: {
      status: 200,
      description: 'By name',
      schema: z.object({
        knowledgeBases: z.array(z.object({ name: z.string(), documents: z.number().int(), chunks: z.number().int() })),
        upload: z.object({ extensions: z.array(z.string()), formats: z.array(z.enum(documentFormats)), maxBytes: z.number().int() }),
      }),
    },
    handle: async () => ({
      knowledgeBases: await store.listKnowledgeBases(),
      upload: { extensions: documentExtensions, formats: [...documentFormats], maxBytes: MAX_UPLOAD_BYTES },
    }),
  });

  api.operation({
    ...base,
    method: 'get',
    path: '/api/knowledge-bases/{kb}/documents',
    summary: 'The documents of a knowledge base: the served version of each, and any version being imported',
    params: kbParams,
    success: { status: 200, description: 'By name', schema: z.object({ documents: z.array(knowledgeDocument) }) },
    handle: async ({ params }) => ({ documents: await store.listDocuments(params.kb) }),
  });

  api.operation({
    ...base,
    method: 'put',
    path: '/api/knowledge-bases/{kb}/documents/{name}',
    summary: `Upload a file (the body, up to ${MAX_UPLOAD_BYTES / 1024 / 1024} MB) as the next version of the document \`name\`, read as \`npm run kb -- import\` reads it; the knowledge base is created if new. A file that cannot be read is a 400 and leaves the served version serving`,
    params: documentParams,
    rawBody: { contentType: 'application/octet-stream', description: 'The file’s bytes' },
    success: {
      status: 200,
      description: '`unchanged` when the same content is already served',
      schema: z.object({
        kbName: z.string(),
        name: z.string(),
        status: z.enum(['imported', 'unchanged']),
        version: z.number().int(),
        chunks: z.number().int(),
      }),
    },
    async handle({ ctx, params, audit }) {
      const tooLarge = (limit: number) =>
        new RejectedRequestError(
          'file_too_large',
          `the file is larger than ${limit / 1024 / 1024} MB; split it or import it with npm run kb`,
          413,
        );
      const content = await readBodyBytes(ctx.req, MAX_UPLOAD_BYTES, tooLarge);
      if (content.length === 0) throw new RejectedRequestError('empty_file', `${params.name} is empty`, 400);
      return uploadDocument(deps, { kbName: params.kb, name: params.name, content }, audit);
    },
  });

  api.operation({
    ...base,
    method: 'delete',
    path: '/api/knowledge-bases/{kb}/documents/{name}',
    summary: 'Remove a document and all its versions; the bot stops answering from it at once',
    params: documentParams,
    success: { status: 204, description: 'Removed' },
    handle: ({ params, audit }) => removeDocument(deps, params.kb, params.name, audit),
  });

  api.operation({
    ...base,
    method: 'get',
    path: '/api/knowledge-bases/{kb}/documents/{name}/versions',
    summary: 'Every version of a document, newest first; a replaced one with chunks can be rolled back to',
    params: documentParams,
    success: { status: 200, description: 'Newest first', schema: z.object({ versions: z.array(knowledgeDocument) }) },
    handle: async ({ params }) => ({ versions: await listDocumentVersions(deps.db, params.kb, params.name) }),
  });

  api.operation({
    ...base,
    method: 'get',
    path: '/api/knowledge-bases/{kb}/documents/{name}/chunks',
    summary: 'The chunks of a version (the served one without `version`) as the brain indexes them',
    params: documentParams,
    query: z.object({ version: version.optional() }),
    success: { status: 200, description: 'In document order', schema: z.object({ chunks: z.array(chunkPreview) }) },
    handle: async ({ params, query }) => ({ chunks: await documentChunks(deps.db, params.kb, params.name, query.version) }),
  });

  api.operation({
    ...base,
    method: 'post',
    path: '/api/knowledge-bases/{kb}/documents/{name}/rollback',
    summary: 'Serve an earlier version of a document again (409 if it is served or its content is no longer kept)',
    params: documentParams,
    body: z.object({ version }),
    success: { status: 200, description: 'The version now served', schema: knowledgeDocument },
    handle: ({ params, body, audit }) => rollBackDocument(deps, { kbName: params.kb, name: params.name, version: body.version }, audit),
  });

  api.operation({
    ...base,
    method: 'get',
    path: '/api/knowledge-bases/{kb}/faq',
    summary: 'The FAQ entries of the served documents, in document order',
    params: kbParams,
    success: { status: 200, description: 'In document order', schema: z.object({ entries: z.array(faqEntry) }) },
    handle: async ({ params }) => ({ entries: await listFaqEntries(deps.db, params.kb) }),
  });

  api.operation({
    ...base,
    method: 'post',
    path: '/api/knowledge-bases/{kb}/faq/check',
    summary: 'Duplicates and near-duplicates (questions the bot answers with another entry) of an FAQ entry as edited',
    params: kbParams,
    body: faqEntryInput.extend({ chunkId: z.number().int().positive().optional() }),
    success: { status: 200, description: 'What conflicts', schema: faqCheck },
    handle: ({ params, body }) => checkFaqEntry(deps, params.kb, body, body.chunkId),
  });

  api.operation({
    ...base,
    method: 'put',
    path: '/api/knowledge-bases/{kb}/faq/{chunkId}',
    summary: 'Change an FAQ entry in place (409 while a question duplicates another entry’s); the bot answers with it at once',
    params: kbParams.extend({ chunkId: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) }),
    body: faqEntryInput,
    success: {
      status: 200,
      description: 'The entry as saved, and the near-duplicates it still has',
      schema: z.object({ entry: faqEntry, check: faqCheck }),
    },
    handle: ({ params, body, audit }) => changeFaqEntry(deps, { kbName: params.kb, chunkId: params.chunkId }, body, audit),
  });

  api.operation({
    ...base,
    method: 'post',
    path: '/api/knowledge-bases/{kb}/try',
    summary:
      '「试一试」: ask as a new customer would; the decision of the bot that answers customers, the candidates with their score per retrieval channel, the citations and, with a model, the prompt. Nothing is stored',
    params: kbParams,
    body: z.object({ text: z.string().trim().min(1).max(2000) }),
    success: { status: 200, description: 'The trial', schema: trial },
    handle: ({ params, body }) => deps.knowledge.tryQuestion(params.kb, body.text),
  });
}
