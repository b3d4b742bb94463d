import { extname } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { foldRadicals } from '../retrieval/cjk-radicals.ts';
import type { IndexedChunk } from '../retrieval/types.ts';
import { type ChunkingOptions, DEFAULT_CHUNKING, splitMarkdown, splitPlainText } from './chunk-text.ts';
import { parseFaqCsv, parseFaqRows } from './faq-csv.ts';

/** What an importer produces for one chunk, before it has an id in the database. */
export type ChunkDraft = Pick<IndexedChunk, 'text' | 'questions' | 'answer' | 'metadata'>;

export const documentFormats = ['markdown', 'text', 'faq-csv', 'faq-xlsx', 'json', 'docx', 'pdf'] as const;
export type DocumentFormat = (typeof documentFormats)[number];

const EXTENSIONS: Record<string, DocumentFormat> = {
  '.md': 'markdown',
  '.markdown': 'markdown',
  '.txt': 'text',
  '.text': 'text',
  '.csv': 'faq-csv',
  '.xlsx': 'faq-xlsx',
  '.json': 'json',
  '.docx': 'docx',
  '.pdf': 'pdf',
};

/** The file name extensions `kb import` and the console's upload read. */
export const documentExtensions = Object.keys(EXTENSIONS);

/** A file that cannot be imported: unknown type, unreadable content, nothing in it. */
export class DocumentImportError extends AppError {
  constructor(message: string) {
    super('kb_document_invalid', message, 400);
  }
}

export function formatOf(fileName: string): DocumentFormat {
  const format = EXTENSIONS[extname(fileName).toLowerCase()];
  if (!format) {
    throw new DocumentImportError(`${fileName}: unsupported file type; import ${Object.keys(EXTENSIONS).join(', ')}`);
  }
  return format;
}

export async function parseDocument(
  name: string,
  content: Buffer,
  format: DocumentFormat = formatOf(name),
  chunking: ChunkingOptions = DEFAULT_CHUNKING,
): Promise<ChunkDraft[]> {
  const drafts = (await parseByFormat(name, content, format, chunking)).map(withIdeographs);
  if (drafts.length === 0) throw new DocumentImportError(`${name}: no text found`);
  return drafts;
}

/**
 * Radical characters (⻋ for 车, from PDF text extraction) are stored as the ideographs they
 * stand for, so passages quoted to a customer or a model read as written, not only match.
 */
function withIdeographs(draft: ChunkDraft): ChunkDraft {
  return {
    ...draft,
    text: foldRadicals(draft.text),
    ...(draft.questions && { questions: draft.questions.map(foldRadicals) }),
    ...(draft.answer !== undefined && { answer: foldRadicals(draft.answer) }),
  };
}

async function parseByFormat(name: string, content: Buffer, format: DocumentFormat, chunking: ChunkingOptions): Promise<ChunkDraft[]> {
  const source = { kbName: '', documentId: name };
  switch (format) {
    case 'markdown':
      return splitMarkdown(content.toString('utf8'), chunking);
    case 'text':
      return (await splitPlainText(content.toString('utf8'), chunking)).map((text) => ({ text, metadata: {} }));
    case 'faq-csv':
      return parseFaqCsv(content.toString('utf8'), source).map((c) => toDraft(c));
    case 'faq-xlsx':
      return (await xlsxRows(name, content)).flatMap(({ sheet, rows }) => parseFaqRows(rows, source).map((c) => toDraft(c, { sheet })));
    case 'json':
      return parseJson(name, content.toString('utf8'), chunking);
    case 'docx':
      return splitMarkdown(await docxToMarkdown(name, content), chunking);
    case 'pdf':
      return pdfChunks(name, content, chunking);
  }
}

function toDraft(chunk: IndexedChunk, extra: Record<string, unknown> = {}): ChunkDraft {
  return { text: chunk.text, questions: chunk.questions, answer: chunk.answer, metadata: { ...chunk.metadata, ...extra } };
}

/** Every worksheet whose first row is an FAQ header; other sheets (notes, lookups) are skipped. */
async function xlsxRows(name: string, content: Buffer): Promise<Array<{ sheet: string; rows: string[][] }>> {
  // The parsers load on first use: listing or removing documents should not pay for them.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer);
  } catch (err) {
    throw new DocumentImportError(`${name}: not a readable XLSX workbook (${(err as Error).message})`);
  }
  const sheets = workbook.worksheets.map((sheet) => {
    const rows: string[][] = [];
    sheet.eachRow((row) => {
      const cells: string[] = [];
      row.eachCell({ includeEmpty: true }, (cell, column) => {
        cells[column - 1] = cell.text.trim();
      });
      rows.push(Array.from(cells, (c) => c ?? ''));
    });
    return { sheet: sheet.name, rows };
  });
  const faqSheets = sheets.filter(({ rows }) => rows[0]?.some((h) => ['question', '问题'].includes(h.toLowerCase())));
  if (faqSheets.length === 0)
    throw new DocumentImportError(`${name}: no worksheet has a header row question,answer,similar (or 问题,答案,相似问题)`);
  return faqSheets;
}

const similarField = z.union([z.array(z.string()), z.string()]).optional();
const faqEntrySchema = z.union([
  z.object({ question: z.string().min(1), answer: z.string().min(1), similar: similarField }),
  z.object({ 问题: z.string().min(1), 答案: z.string().min(1), 相似问题: similarField }),
]);
const passageSchema = z
  .object({ title: z.string().optional(), text: z.string().min(1) })
  .or(z.object({ title: z.string().optional(), content: z.string().min(1) }));

/**
 * JSON knowledge: an array (or `{ "entries": [...] }`) of FAQ entries `{question, answer, similar}`
 * (or 问题/答案/相似问题; similar as an array or a `|`-separated string), or of passages
 * `{title?, text}` / `{title?, content}`.
 */
async function parseJson(name: string, json: string, chunking: ChunkingOptions): Promise<ChunkDraft[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new DocumentImportError(`${name}: not valid JSON (${(err as Error).message})`);
  }
  const items = Array.isArray(raw) ? raw : (raw as { entries?: unknown })?.entries;
  if (!Array.isArray(items)) throw new DocumentImportError(`${name}: expected an array of entries, or { "entries": [...] }`);
  const drafts: ChunkDraft[] = [];
  for (const [i, item] of items.entries()) {
    const faq = faqEntrySchema.safeParse(item);
    if (faq.success) {
      const e = faq.data;
      const [question, answer, similar] = 'question' in e ? [e.question, e.answer, e.similar] : [e.问题, e.答案, e.相似问题];
      const more = (Array.isArray(similar) ? similar : (similar ?? '').split(/[|\n]/)).map((s) => s.trim()).filter(Boolean);
      drafts.push({ text: `${question}\n${answer}`, questions: [question, ...more], answer, metadata: { entry: i } });
      continue;
    }
    const passage = passageSchema.safeParse(item);
    if (!passage.success) throw new DocumentImportError(`${name} entry ${i}: expected {question, answer, similar} or {title, text}`);
    const body = 'text' in passage.data ? passage.data.text : passage.data.content;
    const title = passage.data.title;
    for (const piece of await splitPlainText(body, chunking)) {
      drafts.push({ text: title ? `${title}\n${piece}` : piece, metadata: { entry: i, ...(title && { heading: title }) } });
    }
  }
  return drafts;
}

/**
 * DOCX through Mammoth's HTML (its supported output), turned into Markdown-like text so that
 * headings survive and chunks can carry them. Mammoth emits a small, regular set of tags.
 */
async function docxToMarkdown(name: string, content: Buffer): Promise<string> {
  const { default: mammoth } = await import('mammoth');
  let html: string;
  try {
    html = (await mammoth.convertToHtml({ buffer: content })).value;
  } catch (err) {
    throw new DocumentImportError(`${name}: not a readable DOCX document (${(err as Error).message})`);
  }
  return html
    .replace(/<h([1-6])[^>]*>/g, (_, level: string) => `\n\n${'#'.repeat(Number(level))} `)
    .replace(/<\/(h[1-6]|p|table|ul|ol)>/g, '\n\n')
    .replace(/<(li|tr)[^>]*>/g, '\n')
    .replace(/<\/t[dh]>/g, ' ')
    .replace(/<[^>]+>/g, '')
    .replace(/&(lt|gt|quot|#39|amp);/g, (_, entity: string) => ({ lt: '<', gt: '>', quot: '"', '#39': "'", amp: '&' })[entity]!);
}

/** PDF text page by page (pdf.js via unpdf, bundled: nothing is fetched at runtime). */
async function pdfChunks(name: string, content: Buffer, chunking: ChunkingOptions): Promise<ChunkDraft[]> {
  const { extractText, getDocumentProxy } = await import('unpdf');
  let pages: string[];
  try {
    const pdf = await getDocumentProxy(new Uint8Array(content));
    pages = (await extractText(pdf, { mergePages: false })).text;
  } catch (err) {
    throw new DocumentImportError(`${name}: not a readable PDF (${(err as Error).message})`);
  }
  const drafts: ChunkDraft[] = [];
  for (const [i, page] of pages.entries()) {
    for (const text of await splitPlainText(page, chunking)) drafts.push({ text, metadata: { page: i + 1 } });
  }
  return drafts;
}
