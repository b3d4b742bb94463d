/**
 * The brain's whole contract with the rest of kefu-hub. It knows nothing about channels, HTTP or
 * queues: it gets a conversation and the customer's new messages and decides what to say.
 */

export interface ConversationTurn {
  /** 'customer' wrote it, or we ('bot', 'agent', 'system') did. */
  from: 'customer' | 'bot' | 'agent' | 'system';
  text: string;
  at: Date;
  /**
   * What the bot stored with its reply (the decision, the questions a clarify reply offered…);
   * bot turns only. The next turn reads a pending offer from it instead of keeping state.
   */
  meta?: Record<string, unknown>;
}

export interface ConversationContext {
  conversationId: number;
  customer: { id: number; displayName?: string; tags: string[] };
  /** Knowledge base the channel account uses (`default` unless configured). */
  knowledgeBase: string;
  /** Earlier turns, oldest first, not including `newMessages`. */
  history: ConversationTurn[];
}

export interface CustomerMessage {
  /** Normalized kind: text, image, voice, location, link, event… */
  kind: string;
  /** Text to reason about: the text itself, a voice transcript, a link title; empty for media. */
  text: string;
  at: Date;
}

export type BrainDecision =
  | {
      kind: 'reply';
      text: string;
      /** What led to the answer (matched entry, score, sources, intent…); stored with the reply. */
      meta: Record<string, unknown>;
    }
  | {
      kind: 'handoff';
      /** Stable reason code, e.g. 'customer_asked', 'no_answer', 'complaint'. */
      reason: string;
      /** What the customer is told while they wait for a person. */
      text: string;
      meta: Record<string, unknown>;
    };

export interface AnswerOptions {
  /**
   * Receives the reply while it is being written (the whole text so far, each time), for channels
   * that show it growing. Only a brain that writes with a model calls it. A draft is not the
   * decision: the returned one may differ (a refusal, a handoff, the offline answer). Best effort —
   * the sink must not throw, and a draft that cannot be shown never fails the turn.
   */
  onDraft?(textSoFar: string): void;
  /**
   * Receives the tokens (prompt and completion) each model call made for this answer spent, as
   * the endpoint reported them, so the caller can hold the customer to a budget.
   */
  onTokens?(count: number): void;
  /**
   * Receives the messages a model call is given, as sent (the console's 「试一试」 shows them).
   * Only a brain that writes with a model calls it; it changes nothing it decides.
   */
  onPrompt?(messages: Array<{ role: string; content: string }>): void;
}

export interface Brain {
  answer(conversation: ConversationContext, newMessages: CustomerMessage[], options?: AnswerOptions): Promise<BrainDecision>;
}
