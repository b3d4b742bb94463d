import test from 'ava';
import {
  documentChunks,
  KEPT_VERSIONS,
  listDocumentVersions,
  restoreDocumentVersion,
} from '../../src/brain/knowledge/document-versions.ts';
import { importDocumentContent } from '../../src/brain/knowledge/import-document.ts';
import { KnowledgeStore } from '../../src/brain/knowledge/knowledge-store.ts';
import { migratedDatabase } from '../support/databases.ts';

const sheet = (answer: string) => Buffer.from(`question,answer\n多久发货？,${answer}\n`);

test('the last replaced versions keep their chunks and can be served again; older ones are a record only', async (t) => {
  const db = await migratedDatabase('postgres');
  t.teardown(() => db.close());
  const store = new KnowledgeStore(db.handle.db);
  const versions = KEPT_VERSIONS + 2;
  for (let v = 1; v <= versions; v++) {
    await importDocumentContent({ name: 'faq.csv', content: sheet(`${v * 24}小时内发货`), source: 'test' }, { kbName: 'default', store });
  }
  const listed = await listDocumentVersions(db.handle.db, 'default', 'faq.csv');
  t.deepEqual(
    listed.map((d) => [d.version, d.status, d.chunkCount]),
    [
      [5, 'active', 1],
      [4, 'replaced', 1],
      [3, 'replaced', 1],
      [2, 'replaced', 1],
      [1, 'replaced', 0],
    ],
  );
  t.deepEqual((await documentChunks(db.handle.db, 'default', 'faq.csv', 1)).length, 0, 'the oldest version’s chunks are gone');

  const tooOld = await t.throwsAsync(db.handle.db.transaction((tx) => restoreDocumentVersion(tx, 'default', 'faq.csv', 1)));
  t.like(tooOld, { code: 'version_not_restorable', status: 409 });
  const served = await t.throwsAsync(db.handle.db.transaction((tx) => restoreDocumentVersion(tx, 'default', 'faq.csv', 5)));
  t.like(served, { code: 'version_not_restorable', status: 409 });

  const restored = await db.handle.db.transaction((tx) => restoreDocumentVersion(tx, 'default', 'faq.csv', 2));
  t.like(restored, { version: 2, status: 'active', chunkCount: 1 });
  t.deepEqual(
    (await store.loadActiveChunks('default')).map((c) => c.answer),
    ['48小时内发货'],
    'the index is built from the restored version',
  );
  t.deepEqual(
    (await listDocumentVersions(db.handle.db, 'default', 'faq.csv')).map((d) => [d.version, d.status, d.chunkCount]),
    [
      [5, 'replaced', 1],
      [4, 'replaced', 1],
      [3, 'replaced', 1],
      [2, 'active', 1],
      [1, 'replaced', 0],
    ],
    'the version it replaced is kept to come back to',
  );

  // A new import after a roll back is numbered after every version, and replaces the restored one.
  const next = await importDocumentContent({ name: 'faq.csv', content: sheet('当天发货'), source: 'test' }, { kbName: 'default', store });
  t.like(next, { status: 'imported', version: 6 });
  t.deepEqual(
    (await listDocumentVersions(db.handle.db, 'default', 'faq.csv')).map((d) => [d.version, d.status, d.chunkCount]),
    [
      [6, 'active', 1],
      [5, 'replaced', 1],
      [4, 'replaced', 1],
      [3, 'replaced', 0],
      [2, 'replaced', 1],
      [1, 'replaced', 0],
    ],
    'the versions kept are the last served: 2 (served just now), 5 and 4',
  );
});
