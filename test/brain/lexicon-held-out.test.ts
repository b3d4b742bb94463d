import test from 'ava';
import { entriesOnlyInHeldOut, readLexiconEntries, readVocabularyEntries } from '../../src/brain/evaluation/lexicon-leaks.ts';
import { DEMO_VOCABULARY_DIR } from '../../src/config/demo.ts';
import { CONFIG_DIR } from './support/brain-fixtures.ts';
import { evalDomains } from './support/eval-fixtures.ts';

// A word list entry that occurs in a held-out question and nowhere one may read while tuning (no
// dev question, no knowledge base, of any domain) was written by reading the held-out set, which
// then measures nothing unseen (issue #14 found 47 such entries). Remove the entry, never the
// question. The demo store's own vocabulary is checked as well: the store's eval domain reads it.
test('no lexicon entry occurs only in held-out questions', async (t) => {
  const domains = await evalDomains();
  const entries = [...(await readLexiconEntries(CONFIG_DIR)), ...(await readVocabularyEntries(DEMO_VOCABULARY_DIR))];
  const leaks = entriesOnlyInHeldOut(entries, {
    heldOut: domains.flatMap((d) => d.heldOut.map((item) => item.question)),
    readable: domains.flatMap((d) => [
      ...d.dev.map((item) => item.question),
      ...d.entries.flatMap((entry) => [...(entry.questions ?? []), entry.answer ?? '', entry.text]),
    ]),
  });
  t.deepEqual(
    leaks.map(({ entry, source }) => `${source}: ${entry}`),
    [],
  );
});

test('the check finds an entry seen only in held-out, and passes one seen in dev or the KB', (t) => {
  const entries = [
    { entry: '运废', source: 'concepts.json phrases' },
    { entry: '邮费', source: 'synonyms.txt' },
    { entry: 'ＶＩＰ', source: 'handoff.json' },
  ];
  const leaks = entriesOnlyInHeldOut(entries, {
    heldOut: ['运废多少', '邮费多少', '我是vip'],
    readable: ['邮费怎么算', '会员 VIP 有什么权益'],
  });
  t.deepEqual(leaks, [{ entry: '运废', source: 'concepts.json phrases' }]);
});
