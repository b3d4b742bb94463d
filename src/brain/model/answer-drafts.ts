import { BaseCallbackHandler, type HandleLLMNewTokenCallbackFields } from '@langchain/core/callbacks/base';
import type { AIMessageChunk } from '@langchain/core/messages';
import { parsePartialJson } from '@langchain/core/output_parsers';
import type { Logger } from 'pino';

/** The fields of the structured answer that decide what happens to it, read before any draft. */
export interface DecisionHead {
  intent: string;
  handoffReason: string;
  confidence: number;
  citedChunkIds: string[];
}

export interface AnswerDraftOptions {
  /** Drafts are at least this far apart; the final reply follows the last one anyway. */
  minIntervalMs: number;
  /**
   * Called once, when the decision head has been written: undefined = no drafts of this answer
   * (it goes to a person, or is not the model's to send); else whether a draft may be shown.
   */
  gate: (head: DecisionHead) => ((draft: string) => boolean) | undefined;
  logger?: Logger;
}

// A field is read only once its value is closed: a string by its quote, a number by what follows
// it, an array by its bracket. Inside the answer's JSON string quotes are escaped, so its text
// cannot pose as a field.
const HEAD_FIELDS = {
  intent: /"intent"\s*:\s*"((?:[^"\\]|\\.)*)"/,
  handoffReason: /"handoffReason"\s*:\s*"((?:[^"\\]|\\.)*)"/,
  confidence: /"confidence"\s*:\s*(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\s*[,}]/,
  citedChunkIds: /"citedChunkIds"\s*:\s*(\[[^\]]*\])/,
};

function readHead(json: string): DecisionHead | undefined {
  const [intent, handoffReason, confidence, cited] = Object.values(HEAD_FIELDS).map((pattern) => pattern.exec(json)?.[1]);
  if (intent === undefined || handoffReason === undefined || confidence === undefined || cited === undefined) return undefined;
  try {
    const citedChunkIds = (JSON.parse(cited) as unknown[]).map(String);
    return {
      intent: JSON.parse(`"${intent}"`),
      handoffReason: JSON.parse(`"${handoffReason}"`),
      confidence: Number(confidence),
      citedChunkIds,
    };
  } catch {
    return undefined;
  }
}

// The end of a draft may be a number, URL or identifier still being written (「满1」 of 「满199元」):
// it is held back until the next draft shows it whole.
const UNFINISHED_TAIL = /[\p{N}A-Za-z.,:：/%¥￥+\-_零〇一二两三四五六七八九十百千万]+$/u;

/**
 * Reads the growing `answer` field out of the one structured call while the model writes it, and
 * shows it only after the decision ahead of it in the schema has been read and admits it.
 *
 * `withStructuredOutput(…, { includeRaw: true }).stream()` does not stream: its parser step sits
 * behind a fallback that waits for the whole message. So the drafts come from the model's own
 * chunks instead: a callback handler that prefers streaming makes `invoke` stream the request and
 * receives every chunk — tool-call argument pieces (functionCalling) or content (jsonMode,
 * jsonSchema). Their concatenation is the JSON being written, and LangChain's partial-JSON parser
 * closes it well enough to read `answer`. The call's result is parsed as before.
 */
export class AnswerDraftHandler extends BaseCallbackHandler {
  name = 'answer-drafts';
  lc_prefer_streaming = true;
  private json = '';
  private shown = '';
  private shownAt = Number.NEGATIVE_INFINITY;
  private closed = false;
  /** Undefined until the head is read; then the gate's verdict (null = no drafts). */
  private admits?: ((draft: string) => boolean) | null;

  constructor(
    private readonly onDraft: (textSoFar: string) => void,
    private readonly options: AnswerDraftOptions,
  ) {
    // Awaited, not backgrounded: no draft may arrive after the call (and so after the reply) ended.
    super({ _awaitHandler: true });
  }

  override handleLLMNewToken(
    _token: string,
    _idx: unknown,
    _runId: string,
    _parentRunId?: string,
    _tags?: string[],
    fields?: HandleLLMNewTokenCallbackFields,
  ): void {
    if (this.closed) return;
    const message = (fields?.chunk as { message?: AIMessageChunk } | undefined)?.message;
    if (!message) return;
    const content = typeof message.content === 'string' ? message.content : '';
    this.json += (message.tool_call_chunks?.[0]?.args ?? '') + content;
    if (this.admits === undefined) {
      const head = readHead(this.json);
      if (!head) return;
      this.admits = this.options.gate(head) ?? null;
    }
    if (this.admits === null) return;
    const now = performance.now();
    if (now - this.shownAt < this.options.minIntervalMs) return;
    const partial = parsePartialJson(this.json) as { answer?: unknown } | null;
    if (typeof partial?.answer !== 'string') return;
    const text = partial.answer.trim().replace(UNFINISHED_TAIL, '');
    if (text === '' || text === this.shown) return;
    if (!this.admits(text)) {
      // A draft the decision would not send: none of this answer is drafted any more.
      this.closed = true;
      return;
    }
    this.shown = text;
    this.shownAt = now;
    try {
      this.onDraft(text);
    } catch (err) {
      // A draft is a courtesy: the turn's reply does not depend on it.
      this.options.logger?.warn({ err }, 'answer draft not shown');
    }
  }

  /** The call is over: later chunks (none are expected) are ignored. */
  close(): void {
    this.closed = true;
  }
}
