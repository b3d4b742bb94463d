import { loadOfflineBrain, type LoadedOfflineBrain } from '../../../src/brain/load-offline-brain.ts';
import { DEMO_VOCABULARY_DIR } from '../../../src/config/demo.ts';
import { buildLexicon, type Lexicon } from '../../../src/brain/retrieval/lexicon.ts';
import { TextAnalyzer } from '../../../src/brain/retrieval/text-analyzer.ts';
import type { IndexedChunk } from '../../../src/brain/retrieval/types.ts';

export const CONFIG_DIR = 'config/brain';
export const DEMO_KB = 'config/kb/demo-store.csv';

/** A small lexicon written inline, so tests state the vocabulary they rely on. */
export function testLexicon(overrides: { dictionary?: string; synonyms?: string; stopwords?: string } = {}): Lexicon {
  return buildLexicon(
    overrides.dictionary ?? '运费险\n花呗',
    overrides.synonyms ?? '运费 邮费 快递费\n发票 开票',
    overrides.stopwords ?? '的 了 吗 呢 怎么 我 你们 可以 能 请问 要',
  );
}

export function testAnalyzer(options: { pinyin?: boolean } = {}): TextAnalyzer {
  return TextAnalyzer.create(testLexicon(), options);
}

export function faqEntry(id: string, questions: string[], answer: string): IndexedChunk {
  return { id, kbName: 'test', documentId: 'faq.csv', text: `${questions[0]}\n${answer}`, questions, answer, metadata: {} };
}

export function passage(id: string, text: string): IndexedChunk {
  return { id, kbName: 'test', documentId: 'doc.md', text, metadata: {} };
}

/** The demo store's offline brain exactly as the demo runs it (with the store's vocabulary), loaded once per test file. */
let demo: Promise<LoadedOfflineBrain> | undefined;
export function demoBrain(): Promise<LoadedOfflineBrain> {
  demo ??= loadOfflineBrain({
    configDir: CONFIG_DIR,
    knowledgeBases: { default: [DEMO_KB] },
    vocabularyDirs: { default: DEMO_VOCABULARY_DIR },
  });
  return demo;
}
