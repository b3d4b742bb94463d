import type { Brain, BrainDecision, ConversationContext, CustomerMessage } from '../../src/brain/types.ts';

/**
 * A brain for pipeline tests: echoes what it was given, optionally slowly, and records every call
 * so tests can check what the brain saw and whether one conversation was ever answered twice at once.
 */
export class ScriptedBrain implements Brain {
  /** Each call: the new texts, and the history the brain was given (`from: text`). */
  readonly calls: Array<{ conversationId: number; texts: string[]; history: string[] }> = [];
  private readonly inFlight = new Set<number>();
  overlaps = 0;

  constructor(
    private readonly options: {
      delayMs?: number;
      /** Every answer waits for this: the test decides when the brain is done thinking. */
      until?: Promise<void>;
      decide?: (texts: string[]) => BrainDecision;
    } = {},
  ) {}

  async answer(conversation: ConversationContext, newMessages: CustomerMessage[]): Promise<BrainDecision> {
    if (this.inFlight.has(conversation.conversationId)) this.overlaps++;
    this.inFlight.add(conversation.conversationId);
    try {
      const texts = newMessages.map((m) => m.text);
      this.calls.push({
        conversationId: conversation.conversationId,
        texts,
        history: conversation.history.map((m) => `${m.from}: ${m.text}`),
      });
      if (this.options.delayMs) await new Promise((r) => setTimeout(r, this.options.delayMs));
      await this.options.until;
      return this.options.decide?.(texts) ?? { kind: 'reply', text: `答：${texts.join(' / ')}`, meta: {} };
    } finally {
      this.inFlight.delete(conversation.conversationId);
    }
  }
}
