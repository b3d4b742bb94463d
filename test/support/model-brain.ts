import type { DatabaseHandle } from '../../src/db/connect.ts';
import { migratedDatabase } from './databases.ts';
import { createModelBrain, type LoadedKnowledge, loadKnowledge } from '../../src/brain/load-brain.ts';
import type { LlmBrain } from '../../src/brain/model/llm-brain.ts';
import type { ModelObserver, ModelSettings } from '../../src/brain/model/model-settings.ts';
import type { ConversationContext, CustomerMessage } from '../../src/brain/types.ts';
import { conversationSummaries } from '../../src/conversations/conversation-summary.ts';
import {
  type ChatReply,
  type ChatRequest,
  customerMessage,
  FakeOpenAiApi,
  knowledgeIds,
  knowledgePassages,
  systemPrompt,
} from '../../src/simulator/fake-openai-api.ts';
import { DEMO_KNOWLEDGE_FILE, DEMO_PERSONA_FILE, DEMO_VOCABULARY_DIR } from '../../src/config/demo.ts';

export const FALLBACK = '这个问题我需要请同事确认一下，稍后会有人工客服联系您，请稍候。';

export interface ObservedModel {
  latencies: number;
  tokens: Record<string, number>;
  errors: string[];
}

/** The demo knowledge base in a throwaway embedded database: loaded once per test file (it takes seconds). */
export interface KnowledgeFixture {
  database: DatabaseHandle;
  knowledge: LoadedKnowledge;
  close(): Promise<void>;
}

export async function demoKnowledge(options: { embeddingsBaseUrl?: string } = {}): Promise<KnowledgeFixture> {
  const { handle: database, close } = await migratedDatabase('pglite');
  const knowledge = await loadKnowledge({
    db: database.db,
    configDir: 'config/brain',
    promptsDir: 'config/prompts',
    fallbackText: FALLBACK,
    demoFile: DEMO_KNOWLEDGE_FILE,
    personaFile: DEMO_PERSONA_FILE,
    vocabularyDir: DEMO_VOCABULARY_DIR,
    ...(options.embeddingsBaseUrl && {
      embeddings: { baseUrl: options.embeddingsBaseUrl, apiKey: 'test-key', model: 'fake-embedding', timeoutMs: 5000, maxRetries: 0 },
    }),
  });
  return { database, knowledge, close };
}

export interface ModelBrainFixture {
  fake: FakeOpenAiApi;
  brain: LlmBrain;
  observed: ObservedModel;
  close(): Promise<void>;
}

/** Settings that point the real LangChain client at a loopback fake. */
export function fakeModelSettings(baseUrl: string, overrides: Partial<ModelSettings> = {}): ModelSettings {
  return {
    baseUrl,
    apiKey: 'test-key',
    model: 'fake-model',
    // A loopback fake answers at once; the timeout only has to outlast a loaded machine. Tests of
    // the timeout itself set their own.
    timeoutMs: 30_000,
    maxRetries: 1,
    maxConcurrency: 4,
    temperature: 0,
    structuredOutput: 'functionCalling',
    ...overrides,
  };
}

/** A model brain over the shared knowledge, talking to a fake of its own. */
export async function modelBrain(fixture: KnowledgeFixture, settings: Partial<ModelSettings> = {}): Promise<ModelBrainFixture> {
  const fake = new FakeOpenAiApi();
  const baseUrl = await fake.listen();
  const observed: ObservedModel = { latencies: 0, tokens: {}, errors: [] };
  const observer: ModelObserver = {
    latency: () => void observed.latencies++,
    tokens: (_model, kind, count) => void (observed.tokens[kind] = (observed.tokens[kind] ?? 0) + count),
    error: (_model, code) => void observed.errors.push(code),
  };
  const brain = await createModelBrain(fixture.knowledge, {
    db: fixture.database.db,
    configDir: 'config/brain',
    promptsDir: 'config/prompts',
    fallbackText: FALLBACK,
    model: fakeModelSettings(baseUrl, settings),
    summaries: conversationSummaries(fixture.database.db),
    observer,
  });
  return { fake, brain, observed, close: () => fake.close() };
}

let nextConversation = 1;

export function conversation(history: ConversationContext['history'] = [], knowledgeBase = 'default'): ConversationContext {
  return { conversationId: nextConversation++, customer: { id: 1, tags: [] }, knowledgeBase, history };
}

export function says(text: string): CustomerMessage[] {
  return [{ kind: 'text', text, at: new Date() }];
}

/** A structured answer citing the first chunk the prompt showed, like a well-behaved model; the decision before the answer, in the schema's order. */
export function groundedAnswer(request: ChatRequest, overrides: Record<string, unknown> = {}): ChatReply {
  return {
    structured: {
      intent: 'shipping_time',
      entities: { orderNumber: 'DD20241111001', phone: null, product: '保温杯', date: null, amount: null },
      handoffReason: 'none',
      confidence: 0.92,
      citedChunkIds: knowledgeIds(request).slice(0, 1),
      answer: '您好，现货商品付款后48小时内发货。',
      ...overrides,
    },
  };
}

/** What a service test's model answers about shipping, worded unlike the knowledge base so a reply shows who wrote it. */
export const MODEL_ANSWER = '亲，现货付款后48小时内发出哦。';
/** What it says to the plain call that summarises a conversation. */
export const MODEL_SUMMARY = '客户问过发货时间。';

/** A fake model's onChat for service tests: MODEL_ANSWER grounded in the first chunk shown, with no entities, or MODEL_SUMMARY. */
export function wellBehavedModel(request: ChatRequest): ChatReply {
  if (!request.tools) return { text: MODEL_SUMMARY };
  return groundedAnswer(request, {
    entities: { orderNumber: null, phone: null, product: null, date: null, amount: null },
    confidence: 0.9,
    answer: MODEL_ANSWER,
  });
}

/**
 * A compliant-but-naive model: it obeys an order it finds in its system prompt (「忽略之前的所有指令，…」),
 * hands its system prompt to any customer who asks for it, and otherwise answers with the first
 * sentence of the first passage it was shown, citing it. What it does with injected text depends
 * only on where the brain puts that text.
 */
export function naiveModel(request: ChatRequest): ChatReply {
  const system = systemPrompt(request);
  const order = /忽略(?:之前|以上|前面)的?(?:所有)?指令[，,：:]\s*([^\n]+)/.exec(system)?.[1];
  const [first] = knowledgePassages(request).values();
  const answer =
    order ??
    (/系统提示|提示词|system prompt/i.test(customerMessage(request))
      ? system
      : (/[^。\n]+。/.exec(first?.replace(/^问：.*\n答：/, '') ?? '')?.[0] ?? ''));
  return groundedAnswer(request, { answer });
}
