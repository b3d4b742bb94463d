import { type ImportResult, importDocumentContent } from '../brain/knowledge/import-document.ts';
import { removeDocumentVersions, restoreDocumentVersion } from '../brain/knowledge/document-versions.ts';
import { KnowledgeStore } from '../brain/knowledge/knowledge-store.ts';
import { type AuditContext, recordAudit } from '../audit/audit-log.ts';
import { RejectedRequestError } from '../errors.ts';
import { announceChange, type KnowledgeAdminDeps } from './knowledge-changes.ts';

/**
 * Imports an uploaded file as the next version of the document of its name, exactly as `kb import`
 * does (same parsers, same atomic swap: a file that fails to parse or import leaves the served
 * version serving), audited in the transaction that swaps it in, then announced to the workers.
 */
export async function uploadDocument(
  deps: KnowledgeAdminDeps,
  upload: { kbName: string; name: string; content: Buffer },
  audit: AuditContext,
): Promise<ImportResult> {
  const result = await importDocumentContent(
    { name: upload.name, content: upload.content, source: 'console upload' },
    {
      kbName: upload.kbName,
      store: new KnowledgeStore(deps.db),
      ...(deps.embedder && { embedder: deps.embedder }),
      onActivate: (tx, version) =>
        recordAudit(tx, audit, {
          action: 'kb.document_upload',
          objectType: 'kb_document',
          objectId: `${upload.kbName}/${version.name}`,
          details: { knowledgeBase: upload.kbName, document: version.name, version: version.version, bytes: upload.content.length },
        }),
    },
  );
  if (result.status === 'imported') await announceChange(deps, upload.kbName);
  return result;
}

/** Removes a document, every version of it, and says so in the audit log. */
export async function removeDocument(deps: KnowledgeAdminDeps, kbName: string, name: string, audit: AuditContext): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const versions = await removeDocumentVersions(tx, kbName, name);
    if (versions === 0) throw new RejectedRequestError('not_found', `there is no document ${name} in ${kbName}`, 404);
    await recordAudit(tx, audit, {
      action: 'kb.document_remove',
      objectType: 'kb_document',
      objectId: `${kbName}/${name}`,
      details: { knowledgeBase: kbName, document: name, versions },
    });
  });
  await announceChange(deps, kbName);
}

/** Serves an earlier version of a document again (see restoreDocumentVersion), audited. */
export async function rollBackDocument(
  deps: KnowledgeAdminDeps,
  target: { kbName: string; name: string; version: number },
  audit: AuditContext,
) {
  const restored = await deps.db.transaction(async (tx) => {
    const doc = await restoreDocumentVersion(tx, target.kbName, target.name, target.version);
    await recordAudit(tx, audit, {
      action: 'kb.document_rollback',
      objectType: 'kb_document',
      objectId: `${target.kbName}/${target.name}`,
      details: { knowledgeBase: target.kbName, document: target.name, version: target.version },
    });
    return doc;
  });
  await announceChange(deps, target.kbName);
  return restored;
}
