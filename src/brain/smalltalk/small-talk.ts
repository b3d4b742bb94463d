import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError } from '../../errors.ts';
import { foldCharacters } from '../retrieval/fold-characters.ts';

const smallTalkSchema = z.object({
  fillers: z.string(),
  kinds: z.array(
    z.object({
      kind: z.string().min(1),
      phrases: z.array(z.string().min(1)).min(1),
      reply: z.string().min(1),
      /** Also cut these phrases from the start and end of a question. */
      strip: z.boolean().default(true),
    }),
  ),
});
export type SmallTalkConfig = z.infer<typeof smallTalkSchema>;

/** Reads and checks smalltalk.json. */
export async function loadSmallTalkConfig(path: string): Promise<SmallTalkConfig> {
  const parsed = smallTalkSchema.safeParse(JSON.parse(await readFile(path, 'utf8')));
  if (!parsed.success) throw new ConfigError(`${path}: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}

export interface SmallTalkResult {
  /** Set when the message is nothing but small talk: answer with `reply`, skip retrieval. */
  kind?: string;
  reply?: string;
  /** The message without greetings and thanks: what to search for. Empty for pure small talk. */
  question: string;
}

/**
 * Greetings, thanks and acknowledgements, recognized by phrase lists from config. Matching is by
 * removal rather than by "contains", so 「你好，我要退货」 is a question, not a greeting.
 */
export class SmallTalk {
  private table: PhraseTable;
  /** The persona's greeting saved in the console: the reply of the `greeting` kind while set. */
  private greeting: string | undefined;

  /** `baseConfig`: smalltalk.json as loaded, what a company's settings are laid over (`useConfig`). */
  constructor(readonly baseConfig: SmallTalkConfig) {
    this.table = phraseTable(baseConfig, undefined);
  }

  /** `greeting` (the persona's) replaces the reply of the `greeting` kind. */
  static async load(path: string, greeting?: string): Promise<SmallTalk> {
    const config = await loadSmallTalkConfig(path);
    const kinds = config.kinds.map((k) => (k.kind === 'greeting' && greeting ? { ...k, reply: greeting } : k));
    return new SmallTalk({ ...config, kinds });
  }

  /** Replies to a bare greeting with `greeting` from now on (the bot's settings changed); unset = the one it was loaded with again. */
  useGreeting(greeting: string | undefined): void {
    this.greeting = greeting;
    this.table = phraseTable(this.table.config, greeting);
  }

  /** Recognizes small talk by `config` from now on (a company's phrases laid over `baseConfig`); the greeting in use stays. */
  useConfig(config: SmallTalkConfig): void {
    this.table = phraseTable(config, this.greeting);
  }

  classify(message: string): SmallTalkResult {
    const segments = foldCharacters(message)
      .split(/[，,。.！!？?；;、\s]+/)
      .filter(Boolean);
    let kind: Kind | undefined;
    const kept: string[] = [];
    const { wholeSegment } = this.table;
    for (const segment of segments) {
      const whole = wholeSegment.get(this.trimFillers(segment));
      if (whole) {
        kind = kind ?? whole;
        continue;
      }
      const leading = this.stripLeading(segment);
      const trailing = this.stripTrailing(leading.rest);
      const rest = this.trimFillers(trailing.rest);
      const found = leading.found ?? trailing.found;
      if (rest === '' || wholeSegment.has(rest)) {
        kind = kind ?? found ?? wholeSegment.get(rest);
        continue;
      }
      kept.push(trailing.rest);
    }
    const question = kept.join('，');
    if (question === '' && kind) return { kind: kind.kind, reply: kind.reply, question };
    return { question };
  }

  /** Cuts small-talk phrases off the start of a segment (「你好请问…」). */
  private stripLeading(segment: string): { rest: string; found?: Kind } {
    let rest = segment;
    let found: Kind | undefined;
    for (let hit = this.leadingPhrase(rest); hit; hit = this.leadingPhrase(rest)) {
      rest = this.trimFillers(rest).slice(hit.phrase.length);
      found = found ?? hit.kind;
    }
    return { rest, found };
  }

  /** Cuts small-talk phrases off the end of a segment (「…发货了吗谢谢」). */
  private stripTrailing(segment: string): { rest: string; found?: Kind } {
    let rest = segment;
    let found: Kind | undefined;
    for (let hit = this.trailingPhrase(rest); hit; hit = this.trailingPhrase(rest)) {
      const trimmed = this.trimFillers(rest);
      rest = trimmed.slice(0, trimmed.length - hit.phrase.length);
      found = found ?? hit.kind;
    }
    return { rest, found };
  }

  private leadingPhrase(text: string) {
    const trimmed = this.trimFillers(text);
    return this.table.strippable.find(({ phrase }) => trimmed.startsWith(phrase));
  }

  private trailingPhrase(text: string) {
    const trimmed = this.trimFillers(text);
    return this.table.strippable.find(({ phrase }) => trimmed.endsWith(phrase));
  }

  private trimFillers(text: string): string {
    let start = 0;
    let end = text.length;
    while (start < end && this.table.fillers.has(text[start]!)) start++;
    while (end > start && this.table.fillers.has(text[end - 1]!)) end--;
    return text.slice(start, end);
  }
}

interface Kind {
  kind: string;
  reply: string;
}

/** What `classify` reads, built from one configuration: replaced whole when the settings change, never edited. */
interface PhraseTable {
  config: SmallTalkConfig;
  /** Every phrase → its kind; the first kind listing a phrase wins. */
  wholeSegment: Map<string, Kind>;
  /** Phrases that may be cut off a question, longest first (谢谢你 before 谢谢). */
  strippable: { phrase: string; kind: Kind }[];
  fillers: Set<string>;
}

function phraseTable(config: SmallTalkConfig, greeting: string | undefined): PhraseTable {
  const wholeSegment = new Map<string, Kind>();
  const strippable: PhraseTable['strippable'] = [];
  for (const { kind, phrases, reply, strip } of config.kinds) {
    const shared: Kind = { kind, reply: kind === 'greeting' && greeting ? greeting : reply };
    for (const raw of phrases) {
      const phrase = foldCharacters(raw);
      if (!wholeSegment.has(phrase)) wholeSegment.set(phrase, shared);
      // One character is too often part of a word (好久, 银行) to be cut off a question.
      if (strip && [...phrase].length > 1) strippable.push({ phrase, kind: shared });
    }
  }
  strippable.sort((a, b) => b.phrase.length - a.phrase.length);
  return { config, wholeSegment, strippable, fillers: new Set([...config.fillers.toLowerCase()]) };
}
