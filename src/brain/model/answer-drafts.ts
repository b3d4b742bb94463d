import { BaseCallbackHandler, type HandleLLMNewTokenCallbackFields } from '@langchain/core/callbacks/base';
import type { AIMessageChunk } from '@langchain/core/messages';
import { parsePartialJson } from '@langchain/core/output_parsers';
import type { Logger } from 'pino';

export interface AnswerDraftOptions {
  /** Drafts are at least this far apart; the final reply follows the last one anyway. */
  minIntervalMs: number;
  /** No drafts of an answer with this intent (it goes to a person whatever the model wrote). */
  withheld?: (intent: string) => boolean;
  logger?: Logger;
}

/**
 * Reads the growing `answer` field out of the one structured call while the model writes it.
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
    const now = performance.now();
    if (now - this.shownAt < this.options.minIntervalMs) return;
    const partial = parsePartialJson(this.json) as { intent?: unknown; answer?: unknown } | null;
    if (typeof partial?.answer !== 'string') return;
    if (typeof partial.intent === 'string' && this.options.withheld?.(partial.intent)) return;
    const text = partial.answer.trim();
    if (text === '' || text === this.shown) return;
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
