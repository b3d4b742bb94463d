import test from 'ava';
import type { Embedder } from '../../src/brain/embeddings/embedder.ts';
import { importDocument } from '../../src/brain/knowledge/import-document.ts';
import { KnowledgeIndexes } from '../../src/brain/knowledge/knowledge-indexes.ts';
import { KnowledgeStore } from '../../src/brain/knowledge/knowledge-store.ts';
import type { IndexedChunk } from '../../src/brain/retrieval/types.ts';
import { DATABASE_KINDS, migratedDatabase } from '../support/databases.ts';
import { tempDir, writeFixture } from '../support/kb-fixtures.ts';

/** An embedder that holds the import mid-way until released (or fails it). */
function gatedEmbedder() {
  let open: () => void = () => {};
  let fail: (err: Error) => void = () => {};
  let reached: () => void = () => {};
  const atGate = new Promise<void>((r) => (reached = r));
  const gate = new Promise<void>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  const embedder: Embedder = {
    model: 'gated',
    async embedDocuments(texts) {
      reached();
      await gate;
      return texts.map(() => [1, 0]);
    },
    async embedQuery() {
      return [1, 0];
    },
  };
  return { embedder, atGate, open: () => open(), fail: (err: Error) => fail(err) };
}

/** A retriever that returns every chunk: shows exactly which chunks an index holds. */
const listAll = (chunks: readonly IndexedChunk[]) => ({
  search: () => chunks.map((chunk) => ({ chunkId: chunk.id, score: 1, chunk, matchedText: chunk.text })),
});

for (const database of DATABASE_KINDS) {
  test.serial(
    `${database}: a re-import keeps the old version serving until the new one is complete, then swaps it in at once`,
    async (t) => {
      const db = await migratedDatabase(database);
      t.teardown(() => db.close());
      const store = new KnowledgeStore(db.handle.db);
      const indexes = new KnowledgeIndexes({ store, buildLexical: listAll });
      const dir = tempDir();
      const path = writeFixture(dir, 'faq.csv', 'question,answer\n多久发货？,72小时内发货\n');
      await importDocument(path, { kbName: 'default', store });
      await indexes.reload('default');

      writeFixture(dir, 'faq.csv', 'question,answer\n多久发货？,48小时内发货\n能开发票吗？,可以\n');
      const gated = gatedEmbedder();
      const importing = importDocument(path, { kbName: 'default', store, embedder: gated.embedder });
      await gated.atGate;
      // Mid-import: the new version exists but is not served, by the database or a rebuilt index.
      t.deepEqual(
        (await store.listDocuments('default')).map((d) => [d.version, d.status]),
        [
          [1, 'active'],
          [2, 'importing'],
        ],
      );
      await indexes.reload('default');
      t.deepEqual(
        indexes.lexical
          .get('default')!
          .search('', 10)
          .map((h) => h.chunk.answer),
        ['72小时内发货'],
      );

      gated.open();
      const result = await importing;
      t.is(result.version, 2);
      await indexes.reload('default');
      t.deepEqual(
        indexes.lexical
          .get('default')!
          .search('', 10)
          .map((h) => h.chunk.answer),
        ['48小时内发货', '可以'],
      );
      const all = await store.listDocuments('default');
      t.deepEqual(
        all.map((d) => [d.version, d.status, d.chunkCount]),
        [[2, 'active', 2]],
      );
    },
  );

  test.serial(`${database}: a failed re-import leaves the old version serving and no half-written version behind`, async (t) => {
    const db = await migratedDatabase(database);
    t.teardown(() => db.close());
    const store = new KnowledgeStore(db.handle.db);
    const dir = tempDir();
    const path = writeFixture(dir, 'faq.csv', 'question,answer\n多久发货？,72小时内发货\n');
    await importDocument(path, { kbName: 'default', store });
    writeFixture(dir, 'faq.csv', 'question,answer\n多久发货？,48小时内发货\n');
    const gated = gatedEmbedder();
    const importing = importDocument(path, { kbName: 'default', store, embedder: gated.embedder });
    await gated.atGate;
    gated.fail(new Error('embeddings endpoint down'));
    await t.throwsAsync(importing, { message: 'embeddings endpoint down' });
    t.deepEqual(
      (await store.loadActiveChunks('default')).map((c) => c.answer),
      ['72小时内发货'],
    );
    t.deepEqual(
      (await store.listDocuments('default')).map((d) => [d.version, d.status]),
      [[1, 'active']],
    );
  });
}

test('a version left half-written by a killed import is never served and is cleared by the next import', async (t) => {
  const db = await migratedDatabase('pglite');
  t.teardown(() => db.close());
  const store = new KnowledgeStore(db.handle.db);
  const path = writeFixture(tempDir(), 'faq.csv', 'question,answer\n多久发货？,48小时内发货\n');
  const orphan = await store.beginVersion({ kbName: 'default', name: 'faq.csv', source: path, contentHash: 'x', format: 'faq-csv' });
  await store.addChunks(orphan, [{ text: '半截', metadata: {} }]);
  t.deepEqual(await store.loadActiveChunks('default'), []);
  await importDocument(path, { kbName: 'default', store });
  t.deepEqual(
    (await store.listDocuments('default')).map((d) => [d.version, d.status]),
    [[2, 'active']],
  );
  t.deepEqual(
    (await store.loadActiveChunks('default')).map((c) => c.answer),
    ['48小时内发货'],
  );
});

test('importing identical content again changes nothing; knowledge bases are separate', async (t) => {
  const db = await migratedDatabase('pglite');
  t.teardown(() => db.close());
  const store = new KnowledgeStore(db.handle.db);
  const path = writeFixture(tempDir(), 'faq.csv', 'question,answer\n多久发货？,48小时内发货\n');
  t.is((await importDocument(path, { kbName: 'default', store })).status, 'imported');
  t.is((await importDocument(path, { kbName: 'default', store })).status, 'unchanged');
  t.is((await importDocument(path, { kbName: 'wholesale', store })).status, 'imported');
  t.deepEqual(await store.listKnowledgeBases(), [
    { name: 'default', documents: 1, chunks: 1 },
    { name: 'wholesale', documents: 1, chunks: 1 },
  ]);
  t.is(await store.removeDocument('wholesale', 'faq.csv'), 1);
  t.deepEqual(await store.loadActiveChunks('wholesale'), []);
  t.is((await store.loadActiveChunks('default')).length, 1);
  t.true(await store.removeKnowledgeBase('default'));
  t.deepEqual(
    (await store.listKnowledgeBases()).map((kb) => kb.name),
    ['wholesale'],
  );
});
