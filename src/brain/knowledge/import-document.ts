import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Embedder } from '../embeddings/embedder.ts';
import type { Transaction } from '../../db/transaction.ts';
import type { KnowledgeStore } from './knowledge-store.ts';
import { formatOf, parseDocument } from './parse-document.ts';

export interface ImportOptions {
  kbName: string;
  store: KnowledgeStore;
  /** Chunks are embedded at import when an embeddings endpoint is configured. */
  embedder?: Embedder;
  /** Called as chunks are written: done of total for this document. */
  onProgress?: (done: number, total: number) => void;
  /** Runs in the transaction that makes the new version the served one (the console's audit entry). */
  onActivate?: (tx: Transaction, version: { name: string; version: number }) => Promise<void>;
}

/** A file's bytes, as an upload brings them, with the name that names the document. */
export interface DocumentContent {
  name: string;
  content: Buffer;
  /** Where it came from: the path given to the CLI, or `upload` from the console. */
  source: string;
}

export interface ImportResult {
  kbName: string;
  name: string;
  /** `unchanged`: the same content is already served; nothing was written. */
  status: 'imported' | 'unchanged';
  version: number;
  chunks: number;
}

/** Chunks written (and embedded) per round trip. */
const BATCH = 64;

/**
 * Imports one file into a knowledge base as a new version of the document named by its file
 * name. The version is written as `importing` while the current one keeps serving, then swapped
 * in atomically; if anything fails, the half-written version is dropped and the old one stays.
 */
export async function importDocument(path: string, options: ImportOptions): Promise<ImportResult> {
  formatOf(path);
  return importDocumentContent({ name: basename(path), content: await readFile(path), source: path }, options);
}

/** `importDocument` for bytes already in hand (an upload); same versioning, same atomic swap. */
export async function importDocumentContent(document: DocumentContent, options: ImportOptions): Promise<ImportResult> {
  const { store, kbName, embedder } = options;
  const { name, content } = document;
  const format = formatOf(name);
  const contentHash = createHash('sha256').update(content).digest('hex');

  const current = await store.findActive(kbName, name);
  if (current && current.contentHash === contentHash && current.format === format) {
    return { kbName, name, status: 'unchanged', version: current.version, chunks: current.chunkCount };
  }
  const drafts = await parseDocument(name, content, format);
  const documentId = await store.beginVersion({ kbName, name, source: document.source, contentHash, format });
  try {
    options.onProgress?.(0, drafts.length);
    for (let start = 0; start < drafts.length; start += BATCH) {
      const batch = drafts.slice(start, start + BATCH);
      const vectors = embedder ? await embedder.embedDocuments(batch.map((d) => d.text)) : undefined;
      await store.addChunks(
        documentId,
        batch.map((d, i) => ({ ...d, ...(vectors && { embedding: vectors[i] }) })),
        embedder?.model,
        start,
      );
      options.onProgress?.(start + batch.length, drafts.length);
    }
    await store.activate(documentId, options.onActivate);
  } catch (err) {
    await store.abandon(documentId).catch(() => {});
    throw err;
  }
  const imported = await store.findActive(kbName, name);
  return { kbName, name, status: 'imported', version: imported?.version ?? 0, chunks: drafts.length };
}
