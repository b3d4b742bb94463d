import { AIMessage, type BaseMessage, HumanMessage, SystemMessage } from '@langchain/core/messages';
import type { ChatOpenAI } from '@langchain/openai';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { HandoffPolicy } from '../handoff/handoff-policy.ts';
import type { OfflineBrain } from '../offline-brain.ts';
import type { SearchHit } from '../retrieval/types.ts';
import type { SmallTalk } from '../smalltalk/small-talk.ts';
import type { AnswerOptions, Brain, BrainDecision, ConversationContext, ConversationTurn, CustomerMessage } from '../types.ts';
import { AnswerDraftHandler, type DecisionHead } from './answer-drafts.ts';
import { unsupportedFacts } from './answer-facts.ts';
import type { ConversationMemory } from './conversation-memory.ts';
import { dataAndMessage, formatKnowledge } from './fenced-data.ts';
import { type ModelAnswer, modelAnswerSchema } from './model-answer.ts';
import type { ModelObserver, ModelSettings } from './model-settings.ts';
import { repeatsInstructions } from './prompt-leak.ts';
import type { Prompts } from './prompts.ts';

export interface LlmBrainOptions {
  model: ChatOpenAI;
  settings: Pick<ModelSettings, 'model' | 'structuredOutput'>;
  prompts: Prompts;
  /** The company's and the bot's names: the bot may say them though the system prompt holds them. */
  ownNames?: readonly string[];
  /** Hybrid search of a knowledge base. */
  search: (kbName: string, query: string, k: number) => Promise<SearchHit[]>;
  /** Answers when the model fails or is unsure: customers still get knowledge-base answers. */
  offline: OfflineBrain;
  handoff: HandoffPolicy;
  /** Intents the model may name that go to a person (legal, account_security…) → the customer's text. */
  sensitiveIntents?: ReadonlyMap<string, string>;
  smallTalk: SmallTalk;
  memory: ConversationMemory;
  fallbackText: string;
  observer?: ModelObserver;
  logger?: Logger;
  /** Below this confidence the offline brain decides (and counts low-confidence turns). */
  minConfidence?: number;
  /** Chunks retrieved into the prompt, and their token budget. */
  contextChunks?: number;
  contextTokens?: number;
  /** Drafts of a streamed answer are at least this far apart. */
  draftIntervalMs?: number;
}

/**
 * The brain with a language model: one structured call per turn (intent, entities, answer,
 * citations, confidence, handoff reason), grounded in retrieved chunks, with conversation memory.
 * The handoff policy runs before the model; after it, low confidence goes to the offline brain's
 * rules, and any model failure (after the client's retries) falls back to the offline answer.
 */
export class LlmBrain implements Brain {
  private readonly structured;

  constructor(private readonly options: LlmBrainOptions) {
    this.structured = options.model.withStructuredOutput(modelAnswerSchema, {
      name: 'reply_to_customer',
      method: options.settings.structuredOutput,
      includeRaw: true,
    });
  }

  async answer(conversation: ConversationContext, newMessages: CustomerMessage[], options: AnswerOptions = {}): Promise<BrainDecision> {
    const { handoff, smallTalk, offline } = this.options;
    const text = newMessages
      .map((m) => m.text.trim())
      .filter(Boolean)
      .join('\n');
    if (text === '') return offline.answer(conversation, newMessages);
    const flag = handoff.check({
      text,
      customerTags: conversation.customer.tags,
      agentHasReplied: conversation.history.some((turn) => turn.from === 'agent'),
    });
    if (flag) return { kind: 'handoff', reason: flag.reason, text: flag.text, meta: flag.detail };
    const chat = smallTalk.classify(text);
    if (chat.kind) return { kind: 'reply', text: chat.reply!, meta: { smallTalk: chat.kind } };

    const modelName = this.options.settings.model;
    let hits: SearchHit[] = [];
    let answer: ModelAnswer;
    try {
      hits = await this.options.search(conversation.knowledgeBase, chat.question || text, this.options.contextChunks ?? 5);
      const memory = await this.options.memory.recall(conversation.conversationId, conversation.history, options.onTokens);
      const messages = this.messages(hits, memory.summary, memory.recent, text);
      options.onPrompt?.(messages.map((m) => ({ role: m.getType(), content: String(m.content) })));
      answer = await this.call(messages, options, this.draftGate(hits, text));
    } catch (err) {
      const code = errorCode(err);
      this.options.observer?.error(modelName, code);
      this.options.logger?.warn({ err, code, conversationId: conversation.conversationId }, 'model call failed; answering offline');
      const decision = await offline.answer(conversation, newMessages);
      return { ...decision, meta: { ...decision.meta, brain: 'offline', modelError: code } };
    }
    return this.decide(conversation, newMessages, text, answer, hits);
  }

  private async decide(
    conversation: ConversationContext,
    newMessages: CustomerMessage[],
    text: string,
    answer: ModelAnswer,
    hits: SearchHit[],
  ): Promise<BrainDecision> {
    const byId = new Map(hits.map((h) => [h.chunkId, h]));
    const cited = answer.citedChunkIds.filter((id) => byId.has(id));
    const meta = {
      brain: 'model',
      model: this.options.settings.model,
      intent: answer.intent,
      entities: Object.fromEntries(Object.entries(answer.entities).filter(([, v]) => v !== null && v !== '')),
      confidence: answer.confidence,
      sources: cited.map((id) => ({ chunkId: id, kbName: byId.get(id)!.chunk.kbName, documentId: byId.get(id)!.chunk.documentId })),
    };
    // The policy after the model: an intent configured as sensitive goes to a person even when
    // the customer's words did not match the rule's phrases.
    const sensitiveReply = this.options.sensitiveIntents?.get(answer.intent);
    if (sensitiveReply !== undefined) return { kind: 'handoff', reason: 'sensitive', text: sensitiveReply, meta };
    if (answer.handoffReason === 'no_answer' || (answer.handoffReason === 'none' && answer.answer.trim() === '')) {
      // Not knowing is not a reason for a person yet: the bot declines as the offline one does
      // (close questions from the lexical index, whose scores the offer's floor is set on, and the
      // option of a person), worded by us, and hands off only when the unanswered streak says so.
      const { candidates } = this.options.offline.match(conversation.knowledgeBase, text);
      const declined = this.options.offline.decline(
        conversation,
        candidates.filter((hit) => !hit.weak),
      );
      return { ...declined, meta: { ...meta, ...declined.meta } };
    }
    const passages = cited.map((id) => byId.get(id)!.chunk.text);
    const withheld = this.withheld(answer, passages, text);
    if (answer.handoffReason !== 'none') {
      // A refusal is worded by us when the model wrote none, or wrote what its sources do not say:
      // it must not promise anything else.
      const reply = answer.answer.trim() === '' || withheld ? this.options.fallbackText : answer.answer.trim();
      return {
        kind: 'handoff',
        reason: answer.handoffReason,
        text: reply,
        meta: { ...meta, ...(withheld && { withheld: withheld.reason }) },
      };
    }
    if (answer.confidence < (this.options.minConfidence ?? 0.5)) {
      const decision = await this.options.offline.answer(conversation, newMessages);
      return { ...decision, meta: { ...decision.meta, brain: 'offline', lowModelConfidence: answer.confidence, intent: answer.intent } };
    }
    if (withheld) {
      // The model's words are not sent; the customer gets what the knowledge base says verbatim
      // (or the decline), as if no model were configured. The log names kinds, never the text.
      this.options.logger?.warn(
        { conversationId: conversation.conversationId, reason: withheld.reason, kinds: withheld.kinds },
        'model answer withheld; answering offline',
      );
      const decision = await this.options.offline.answer(conversation, newMessages);
      return { ...decision, meta: { ...decision.meta, brain: 'offline', withheld: withheld.reason, intent: answer.intent } };
    }
    return { kind: 'reply', text: answer.answer.trim(), meta };
  }

  /**
   * Why the model's words may not reach the customer, if they may not: an answer needs at least
   * one citation of a passage the prompt showed; every number, price, phone number, URL and date
   * in it must be in the cited passages (answer-facts.ts); and it must not repeat our instructions.
   */
  private withheld(answer: ModelAnswer, passages: string[], customerText: string): { reason: string; kinds?: string[] } | undefined {
    const words = answer.answer.trim();
    if (words === '') return undefined;
    if (answer.handoffReason === 'none' && passages.length === 0) return { reason: 'no_citation' };
    if (repeatsInstructions(words, this.options.prompts.answer, passages, this.options.ownNames)) return { reason: 'repeats_instructions' };
    const unsupported = unsupportedFacts(words, passages, customerText);
    if (unsupported.length > 0) return { reason: 'unsupported_facts', kinds: [...new Set(unsupported.map((fact) => fact.kind))] };
    return undefined;
  }

  /**
   * What a streamed draft may show: nothing until the decision ahead of the answer is read (a
   * reply, an intent that is not sensitive, enough confidence, a citation of a shown passage),
   * and then only text whose facts the cited passages support — so no draft says what the
   * decision will not.
   */
  private draftGate(hits: SearchHit[], customerText: string): (head: DecisionHead) => ((draft: string) => boolean) | undefined {
    return (head) => {
      if (head.handoffReason !== 'none' || this.options.sensitiveIntents?.has(head.intent)) return undefined;
      if (head.confidence < (this.options.minConfidence ?? 0.5)) return undefined;
      const byId = new Map(hits.map((h) => [h.chunkId, h.chunk.text]));
      const passages = head.citedChunkIds.flatMap((id) => byId.get(id) ?? []);
      if (passages.length === 0) return undefined;
      return (draft) =>
        !repeatsInstructions(draft, this.options.prompts.answer, passages, this.options.ownNames) &&
        unsupportedFacts(draft, passages, customerText).length === 0;
    };
  }

  private messages(hits: SearchHit[], summary: string | undefined, recent: ConversationTurn[], text: string): BaseMessage[] {
    let system = this.options.prompts.answer;
    if (this.options.settings.structuredOutput === 'jsonMode') {
      // json_object mode constrains the syntax only: the shape must be in the prompt.
      system += `\n\n## 输出格式\n只输出一个 JSON 对象，符合以下 JSON Schema：\n${JSON.stringify(z.toJSONSchema(modelAnswerSchema))}`;
    }
    const data = dataAndMessage(formatKnowledge(hits, this.options.contextTokens ?? 1500), summary, text);
    return [new SystemMessage(system), ...recent.flatMap(turnToMessage), new HumanMessage(data)];
  }

  private async call(
    messages: BaseMessage[],
    { onDraft, onTokens }: AnswerOptions,
    gate: (head: DecisionHead) => ((draft: string) => boolean) | undefined,
  ): Promise<ModelAnswer> {
    const model = this.options.settings.model;
    const started = performance.now();
    // Only a caller that shows drafts makes the call stream; the result is the same either way.
    const drafts =
      onDraft &&
      new AnswerDraftHandler(onDraft, {
        minIntervalMs: this.options.draftIntervalMs ?? 50,
        gate,
        logger: this.options.logger,
      });
    let result: { raw: AIMessage; parsed: unknown };
    try {
      result = (await this.structured.invoke(messages, drafts ? { callbacks: [drafts] } : undefined)) as typeof result;
    } finally {
      drafts?.close();
    }
    this.options.observer?.latency(model, (performance.now() - started) / 1000);
    const usage = result.raw.usage_metadata;
    if (usage) {
      this.options.observer?.tokens(model, 'prompt', usage.input_tokens);
      this.options.observer?.tokens(model, 'completion', usage.output_tokens);
      onTokens?.(usage.total_tokens);
    }
    const parsed = modelAnswerSchema.safeParse(result.parsed);
    if (!parsed.success) throw new InvalidModelOutputError(parsed.error.issues[0]?.message ?? 'no structured output');
    return parsed.data;
  }
}

class InvalidModelOutputError extends Error {
  readonly code = 'invalid_output';
}

function turnToMessage(turn: ConversationTurn): BaseMessage[] {
  if (turn.from === 'customer') return [new HumanMessage(turn.text)];
  if (turn.from === 'bot') return [new AIMessage(turn.text)];
  if (turn.from === 'agent') return [new AIMessage(`（人工客服）${turn.text}`)];
  return [];
}

/** A stable label for metrics: HTTP status, timeout, invalid output or network. */
export function errorCode(err: unknown): string {
  const e = err as { status?: unknown; code?: unknown; name?: unknown; message?: unknown };
  if (typeof e?.status === 'number') return String(e.status);
  if (e?.code === 'invalid_output') return 'invalid_output';
  if (e?.name === 'APIConnectionTimeoutError' || /timed? ?out/i.test(String(e?.message ?? ''))) return 'timeout';
  if (e?.name === 'OutputParserException') return 'invalid_output';
  return 'network';
}
