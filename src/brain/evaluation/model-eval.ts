import { join } from 'node:path';
import { loadOfflineBrain } from '../load-offline-brain.ts';
import { unsupportedFacts } from '../model/answer-facts.ts';
import { createChatModel } from '../model/chat-model.ts';
import { ConversationMemory, type StoredSummary } from '../model/conversation-memory.ts';
import { LlmBrain } from '../model/llm-brain.ts';
import type { ModelSettings } from '../model/model-settings.ts';
import { loadPersona } from '../model/persona.ts';
import { loadPrompts } from '../model/prompts.ts';
import { createSummarizer } from '../model/summarize-turns.ts';
import type { BrainDecision } from '../types.ts';
import type { EvalDomain } from './eval-domains.ts';

/** What the model path did with one domain's held-out questions. */
export interface ModelEvalCounts {
  domain: string;
  questions: number;
  /** Replies the model wrote that reached the customer. */
  modelReplies: number;
  /** Of those, replies citing no passage the prompt showed (the brain withholds them: 0). */
  uncited: number;
  /** Numbers, prices, phones, URLs and dates in those replies that their cited passages lack (0). */
  unsupportedFacts: number;
  /** In-scope questions whose model reply cites the expected entry. */
  citedExpected: number;
  inScope: number;
  /** Model answers withheld, by reason (no_citation, unsupported_facts, repeats_instructions). */
  withheld: Record<string, number>;
  /** Turns the offline brain answered or declined instead (withheld, low confidence, model errors). */
  offline: number;
  /** The model said the knowledge base has no answer: declined in our words. */
  declined: number;
  handoffs: number;
}

export interface ModelEvalOptions {
  configDir: string;
  promptsDir: string;
  model: ModelSettings;
  fallbackText: string;
}

/**
 * `npm run eval -- --model`: the service's model brain over each domain's knowledge base (the
 * lexical index; the persona of configDir), asked every held-out question once, with no history.
 * Measures grounding, not ranking: every reply the model wrote is checked again against the
 * passages it cites. Nothing is tuned on it.
 */
export async function evaluateModelAnswers(domains: readonly EvalDomain[], options: ModelEvalOptions): Promise<ModelEvalCounts[]> {
  const loaded = await loadOfflineBrain({
    configDir: options.configDir,
    knowledgeBases: Object.fromEntries(domains.map((domain) => [domain.name, domain.knowledgeBase])),
  });
  const persona = await loadPersona(join(options.configDir, 'persona.json'));
  const prompts = await loadPrompts(options.promptsDir, persona);
  const model = await createChatModel(options.model);
  const summaries = new Map<number, StoredSummary>();
  const brain = new LlmBrain({
    model,
    settings: options.model,
    prompts,
    ownNames: [persona.companyName, persona.botName],
    search: async (kb, query, k) => loaded.indexes.get(kb)?.search(query, k) ?? [],
    offline: loaded.brain,
    handoff: loaded.handoff,
    sensitiveIntents: loaded.sensitiveIntents,
    smallTalk: loaded.smallTalk,
    memory: new ConversationMemory(
      { load: async (id) => summaries.get(id), save: async (id, summary) => void summaries.set(id, summary) },
      createSummarizer(model, prompts.summarize),
      { recentTokens: 600, summaryTokens: 300 },
    ),
    fallbackText: options.fallbackText,
  });
  const results: ModelEvalCounts[] = [];
  let conversationId = 0;
  for (const domain of domains) {
    const chunks = new Map(loaded.indexes.get(domain.name)!.chunks.map((chunk) => [chunk.id, chunk]));
    const counts: ModelEvalCounts = {
      domain: domain.name,
      questions: domain.heldOut.length,
      modelReplies: 0,
      uncited: 0,
      unsupportedFacts: 0,
      citedExpected: 0,
      inScope: domain.heldOut.filter((item) => item.expected !== null).length,
      withheld: {},
      offline: 0,
      declined: 0,
      handoffs: 0,
    };
    // A few at a time: the client's own cap (LLM_MAX_CONCURRENCY) holds the rest back anyway.
    const batch = Math.max(1, Math.min(options.model.maxConcurrency, 8));
    for (let start = 0; start < domain.heldOut.length; start += batch) {
      const items = domain.heldOut.slice(start, start + batch);
      const decisions = await Promise.all(
        items.map((item) =>
          brain.answer({ conversationId: ++conversationId, customer: { id: 1, tags: [] }, knowledgeBase: domain.name, history: [] }, [
            { kind: 'text', text: item.question, at: new Date() },
          ]),
        ),
      );
      for (const [i, decision] of decisions.entries()) count(counts, decision, items[i]!.question, items[i]!.expected, chunks);
    }
    results.push(counts);
  }
  return results;
}

function count(
  counts: ModelEvalCounts,
  decision: BrainDecision,
  question: string,
  expected: string | null,
  chunks: ReadonlyMap<string, { text: string; questions?: string[] }>,
): void {
  const meta = decision.meta;
  if (typeof meta.withheld === 'string') counts.withheld[meta.withheld] = (counts.withheld[meta.withheld] ?? 0) + 1;
  if (decision.kind === 'handoff') {
    counts.handoffs++;
    return;
  }
  if (meta.brain !== 'model') {
    counts.offline++;
    return;
  }
  if (meta.decision === 'clarify') {
    counts.declined++;
    return;
  }
  counts.modelReplies++;
  const sources = ((meta.sources as Array<{ chunkId: string }> | undefined) ?? []).flatMap((s) => chunks.get(s.chunkId) ?? []);
  if (sources.length === 0) counts.uncited++;
  counts.unsupportedFacts += unsupportedFacts(
    decision.text,
    sources.map((chunk) => chunk.text),
    question,
  ).length;
  if (expected !== null && sources.some((chunk) => chunk.questions?.[0] === expected)) counts.citedExpected++;
}

/** The report `npm run eval -- --model` prints. */
export function formatModelReport(model: string, results: readonly ModelEvalCounts[]): string {
  const total = (key: 'questions' | 'modelReplies' | 'uncited' | 'unsupportedFacts' | 'offline' | 'declined' | 'handoffs') =>
    results.reduce((sum, r) => sum + r[key], 0);
  const lines = [
    `model ${model}; each domain's held-out questions, no history`,
    'domain      questions  model replies  uncited  unsupported facts  cited expected  withheld                         offline  declined  handoffs',
  ];
  for (const r of results) {
    const withheld = Object.entries(r.withheld)
      .map(([reason, n]) => `${reason} ${n}`)
      .join(', ');
    lines.push(
      [
        r.domain.padEnd(10),
        String(r.questions).padStart(10),
        String(r.modelReplies).padStart(14),
        String(r.uncited).padStart(8),
        String(r.unsupportedFacts).padStart(18),
        `${r.citedExpected}/${r.inScope}`.padStart(15),
        ` ${(withheld || '-').padEnd(32)}`,
        String(r.offline).padStart(7),
        String(r.declined).padStart(9),
        String(r.handoffs).padStart(9),
      ].join(' '),
    );
  }
  lines.push(
    '',
    `${total('modelReplies')} model replies sent of ${total('questions')} questions; uncited ${total('uncited')}, unsupported facts ${total('unsupportedFacts')}`,
  );
  return lines.join('\n');
}
