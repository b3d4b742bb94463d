import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { parse } from 'csv-parse/sync';
import { AppError } from '../../errors.ts';
import type { IndexedChunk } from '../retrieval/types.ts';

/**
 * The documented FAQ sheet format: a header row `question,answer,similar` (or 问题,答案,相似问题),
 * one entry per row, several similar questions in one cell separated by `|` or line breaks.
 */
const HEADER_ALIASES: Record<string, 'question' | 'answer' | 'similar'> = {
  question: 'question',
  answer: 'answer',
  similar: 'similar',
  问题: 'question',
  答案: 'answer',
  相似问题: 'similar',
};

/** A sheet that cannot be imported; the message names the file and line. */
export class FaqSheetError extends AppError {
  constructor(message: string) {
    super('faq_sheet_invalid', message, 400);
  }
}

export interface FaqSheetSource {
  kbName: string;
  /** Names the document the entries belong to; the file name when loaded from disk. */
  documentId: string;
}

export function parseFaqCsv(csv: string, source: FaqSheetSource): IndexedChunk[] {
  const rows: string[][] = parse(csv, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true });
  const [header, ...body] = rows;
  if (!header) throw new FaqSheetError(`${source.documentId}: the sheet is empty`);
  const columns = header.map((name) => HEADER_ALIASES[name.toLowerCase()]);
  const indexOf = (column: 'question' | 'answer' | 'similar') => columns.indexOf(column);
  if (indexOf('question') < 0 || indexOf('answer') < 0) {
    throw new FaqSheetError(`${source.documentId}: the header must name the question and answer columns (question,answer,similar)`);
  }

  const seen = new Set<string>();
  return body.map((row, i) => {
    const line = i + 2; // 1-based, after the header
    const question = row[indexOf('question')] ?? '';
    const answer = row[indexOf('answer')] ?? '';
    if (question === '' || answer === '') throw new FaqSheetError(`${source.documentId} line ${line}: question and answer are required`);
    // The standard question names the entry (eval labels use it), so it must be unique.
    if (seen.has(question)) throw new FaqSheetError(`${source.documentId} line ${line}: duplicate question "${question}"`);
    seen.add(question);
    const similar = (row[indexOf('similar')] ?? '')
      .split(/[|\n]/)
      .map((s) => s.trim())
      .filter(Boolean);
    return {
      id: `${source.kbName}/${source.documentId}#${line}`,
      kbName: source.kbName,
      documentId: source.documentId,
      text: `${question}\n${answer}`,
      questions: [question, ...similar],
      answer,
      metadata: { line },
    };
  });
}

export async function loadFaqCsvFile(path: string, kbName: string): Promise<IndexedChunk[]> {
  return parseFaqCsv(await readFile(path, 'utf8'), { kbName, documentId: basename(path) });
}
