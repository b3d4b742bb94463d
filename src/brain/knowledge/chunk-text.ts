/**
 * Chunking for Chinese (and mixed) documents. Paragraphs first, then lines, then sentence ends
 * (。！？ and their ASCII forms), then clause breaks (；，), then characters: a chunk ends where a
 * sentence ends whenever one fits. Markdown is first cut at headings, and each chunk carries its
 * heading trail so that a passage like "七天内可退" still says what it is about.
 */
const SEPARATORS = ['\n\n', '\n', '。', '！', '？', '!', '?', '；', ';', '，', ',', ' ', ''];

export interface ChunkingOptions {
  /** Characters per chunk; a Chinese character is roughly one token. */
  chunkSize: number;
  chunkOverlap: number;
}

export const DEFAULT_CHUNKING: ChunkingOptions = { chunkSize: 400, chunkOverlap: 40 };

/**
 * The stock splitter keeps a separator at the start of the next piece (a chunk would begin with
 * "。"); Chinese punctuation belongs to the sentence it ends, so split after it instead. LangChain
 * loads on the first document split, not with the module: FAQ sheets and offline processes never
 * need it (see createChatModel).
 */
let chineseTextSplitter: Promise<typeof import('@langchain/textsplitters').RecursiveCharacterTextSplitter> | undefined;

function loadChineseTextSplitter() {
  chineseTextSplitter ??= import('@langchain/textsplitters').then(
    ({ RecursiveCharacterTextSplitter }) =>
      class ChineseTextSplitter extends RecursiveCharacterTextSplitter {
        override splitOnSeparator(text: string, separator: string): string[] {
          if (separator === '') return Array.from(text);
          const escaped = separator.replace(/[/\-\\^$*+?.()|[\]{}]/g, '\\$&');
          return text.split(new RegExp(`(?<=${escaped})`)).filter((s) => s !== '');
        }
      },
  );
  return chineseTextSplitter;
}

export interface TextChunk {
  text: string;
  metadata: Record<string, unknown>;
}

export async function splitPlainText(text: string, options: ChunkingOptions = DEFAULT_CHUNKING): Promise<string[]> {
  const ChineseTextSplitter = await loadChineseTextSplitter();
  const splitter = new ChineseTextSplitter({ ...options, separators: SEPARATORS, keepSeparator: true });
  return (await splitter.splitText(text.replace(/\r\n?/g, '\n'))).map((s) => s.trim()).filter(Boolean);
}

interface Section {
  headings: string[];
  body: string;
}

/** Cuts Markdown at ATX headings (#, ##…), remembering the trail of headings above each section. */
function markdownSections(markdown: string): Section[] {
  const sections: Section[] = [];
  const trail: string[] = [];
  let body: string[] = [];
  const flush = () => {
    const text = body.join('\n').trim();
    if (text) sections.push({ headings: trail.filter(Boolean), body: text });
    body = [];
  };
  let inFence = false;
  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) inFence = !inFence;
    const heading = inFence ? null : /^(#{1,6})\s+(.+?)\s*#*\s*$/.exec(line);
    if (!heading) {
      body.push(line);
      continue;
    }
    flush();
    const level = heading[1]!.length;
    trail.length = level - 1;
    trail[level - 1] = heading[2]!;
  }
  flush();
  return sections;
}

export async function splitMarkdown(markdown: string, options: ChunkingOptions = DEFAULT_CHUNKING): Promise<TextChunk[]> {
  const chunks: TextChunk[] = [];
  for (const section of markdownSections(markdown)) {
    const heading = section.headings.join(' > ');
    for (const piece of await splitPlainText(section.body, options)) {
      chunks.push({ text: heading ? `${heading}\n${piece}` : piece, metadata: heading ? { heading } : {} });
    }
  }
  return chunks;
}
