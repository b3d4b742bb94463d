import test from 'ava';
import { kbChunks } from '../../src/db/schema.ts';
import { FakeOpenAiApi } from '../../src/simulator/fake-openai-api.ts';
import { demoKnowledge } from '../support/model-brain.ts';

test('with an embeddings endpoint, chunks are embedded at import, held in memory, and dense hits are fused with lexical ones', async (t) => {
  const fake = new FakeOpenAiApi();
  await fake.listen();
  t.teardown(() => fake.close());
  const fixture = await demoKnowledge({ embeddingsBaseUrl: fake.baseUrl });
  t.teardown(() => fixture.close());
  const { knowledge } = fixture;

  const stored = await fixture.database.db
    .select({ embedding: kbChunks.embedding, model: kbChunks.embeddingModel, text: kbChunks.text })
    .from(kbChunks);
  t.true(stored.length > 50);
  t.true(stored.every((c) => c.embedding?.length === fake.dimensions && c.model === 'fake-embedding'));
  t.true(fake.embeddingRequests.every((r) => r.model === 'fake-embedding'));

  // A query no word of which is in the knowledge base, that the embeddings place next to the invoice entry.
  const invoice = stored.find((c) => c.text.includes('发票'))!;
  const query = 'zzz qqq';
  const embed = fake.embed.bind(fake);
  fake.embed = (text) => (text === query ? embed(invoice.text) : embed(text));
  t.deepEqual(knowledge.indexes.lexical.get('default')!.search(query, 5), [], 'lexical search finds nothing');
  const fused = await knowledge.indexes.search('default', query, 5);
  t.is(fused[0]?.chunk.text, invoice.text);

  // A question both agree on ranks first, with an RRF score from both lists.
  const both = await knowledge.indexes.search('default', '下单后多久发货？', 5);
  t.is(both[0]!.chunk.questions?.[0], '下单后多久发货？');
  t.true(both[0]!.score > 1 / 61, 'fused from both lists');

  // The same search as a LangChain retriever.
  const documents = await (await knowledge.retriever('default', 3)).invoke('下单后多久发货？');
  t.is(documents.length, 3);
  t.is(documents[0]!.metadata.questions[0], '下单后多久发货？');
  t.is(documents[0]!.metadata.documentId, 'demo-store.csv');
  t.is(documents[0]!.metadata.chunkId, both[0]!.chunkId);
});

test('when embedding the query fails, search degrades to lexical results', async (t) => {
  const fake = new FakeOpenAiApi();
  await fake.listen();
  const fixture = await demoKnowledge({ embeddingsBaseUrl: fake.baseUrl });
  t.teardown(() => fixture.close());
  await fake.close();
  const hits = await fixture.knowledge.indexes.search('default', '下单后多久发货？', 3);
  t.is(hits[0]!.chunk.questions?.[0], '下单后多久发货？');
});
