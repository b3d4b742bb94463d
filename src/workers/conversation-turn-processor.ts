import { DelayedError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AnswerOptions, Brain } from '../brain/types.ts';
import type { Channel, OutboundRecipient } from '../channels/types.ts';
import type { AnnounceConversations } from '../conversations/announce-conversations.ts';
import { batchedDeliveryMarks, type UnfinishedDelivery } from '../conversations/deliveries.ts';
import { loadTurnStates, type ConversationHeader, type StoredMessage } from '../conversations/load-turn.ts';
import { raiseSendFences } from '../conversations/send-fence.ts';
import { holdPendingMessages, type ReplyToSave, saveReplies } from '../conversations/save-reply.ts';
import type { Database } from '../db/connect.ts';
import { deliverUnfinished } from '../delivery/deliver-unfinished.ts';
import { batchWhileBusy } from '../lib/batch-while-busy.ts';
import { fetchInboundMedia } from '../media/fetch-inbound-media.ts';
import { tryLock } from '../lib/redis-lock.ts';
import type { Logger } from '../observability/logger.ts';
import { type Metrics, observeGroupCommit } from '../observability/metrics.ts';
import type { TurnJobData } from '../queue/conversation-queue.ts';

export interface TurnProcessorDeps {
  db: Database;
  redis: Redis;
  brain: Brain;
  /**
   * Answers from the knowledge base alone, for customers whose model budget (kept by their
   * channel) is spent. Unset when `brain` uses no model: then budgets do not apply.
   */
  knowledgeOnlyBrain?: Brain;
  channels: Map<string, Channel>;
  metrics: Metrics;
  logger: Logger;
  /** A burst of messages is answered once this long after its last message. */
  coalesceWindowMs: number;
  /** TTL of the conversation lock: renewed while held, freed this long after a holder dies. */
  lockMs: number;
  /**
   * While a conversation waits for a person, a customer who writes is told so — at most once per
   * `intervalMs` (0 = never), so they do not talk into silence.
   */
  holdNotice: { text: string; intervalMs: number };
  historyTurns?: number;
  /** The console is told of each reply, hold notice and handoff once stored. */
  announce: AnnounceConversations;
}

export type TurnOutcome = 'answered' | 'handoff' | 'held' | 'nothing_pending' | 'delivered';

/**
 * One conversation turn: deliver what an earlier turn left unsent, then answer every pending
 * customer message at once. Runs under a per-conversation Redis lock: a second job of the same
 * conversation waits (is delayed) rather than running alongside, so replies keep their order.
 */
export function createTurnProcessor(deps: TurnProcessorDeps) {
  const { db, logger } = deps;
  const delivery = { ...deps, marks: batchedDeliveryMarks(db, deps.metrics) };
  // Concurrent turns start from one shared query under load (group commit, src/lib/batch-while-busy.ts).
  const loadTurnState = batchWhileBusy(
    (ids: number[]) => loadTurnStates(db, ids, deps.historyTurns ?? 20),
    observeGroupCommit(deps.metrics, 'turn_states'),
  );
  const raiseFence = batchWhileBusy((ids: number[]) => raiseSendFences(db, ids), observeGroupCommit(deps.metrics, 'send_fences'));
  const saveReply = batchWhileBusy((replies: ReplyToSave[]) => saveReplies(db, replies), observeGroupCommit(deps.metrics, 'replies'));

  async function postpone(job: Job<TurnJobData>, token: string | undefined, delayMs: number): Promise<never> {
    await job.moveToDelayed(Date.now() + delayMs, token);
    throw new DelayedError();
  }

  async function answer(
    conversation: ConversationHeader,
    pending: StoredMessage[],
    history: StoredMessage[],
    channel: Channel,
    drafts: AnswerOptions,
  ): Promise<{ outcome: TurnOutcome; deliveries: UnfinishedDelivery[] }> {
    const to = { accountName: conversation.accountName, customerExternalId: conversation.customerExternalId };
    const turn = await brainForTurn(channel, to);
    let tokens = 0;
    const decision = await turn.brain.answer(
      {
        conversationId: conversation.id,
        customer: { id: conversation.customerId, displayName: conversation.customerName ?? undefined, tags: [] },
        knowledgeBase: conversation.knowledgeBase,
        history: history.map((m) => ({
          from: m.direction === 'in' ? 'customer' : (m.sender as 'bot' | 'agent' | 'system'),
          text: m.text,
          at: m.createdAt,
        })),
      },
      pending.map((m) => ({ kind: m.kind, text: m.text, at: m.createdAt })),
      { ...drafts, onTokens: (count) => (tokens += count) },
    );
    await spendTokens(channel, to, tokens);
    const handoffReason = decision.kind === 'handoff' ? decision.reason : undefined;
    const { saved, deliveries } = await saveReply({
      conversationId: conversation.id,
      answers: pending.map((m) => m.id),
      askedAt: pending[pending.length - 1]!.createdAt,
      text: decision.text,
      parts: channel.sender.splitText(decision.text),
      meta: { ...decision.meta, ...turn.meta, ...(handoffReason ? { handoffReason } : {}) },
      handoffReason,
    });
    if (saved && handoffReason) deps.metrics.handoffs.inc({ reason: handoffReason });
    if (saved) deps.announce([conversation.id], handoffReason ? 'waiting' : 'message');
    return { outcome: handoffReason ? 'handoff' : 'answered', deliveries };
  }

  /** The brain of this turn: the knowledge-base-only one once the customer's model budget is spent. */
  async function brainForTurn(channel: Channel, to: OutboundRecipient): Promise<{ brain: Brain; meta: Record<string, unknown> }> {
    const budget = channel.modelBudget;
    if (!budget || !deps.knowledgeOnlyBrain) return { brain: deps.brain, meta: {} };
    const allowance = await budget.allowance(to).catch((err) => {
      // Redis is down, and with it the queue: this turn is not the place to be strict.
      logger.warn({ err }, 'model budget unavailable; the model answers');
      return { allowed: true } as const;
    });
    if (allowance.allowed) return { brain: deps.brain, meta: {} };
    return { brain: deps.knowledgeOnlyBrain, meta: { modelBudgetSpent: allowance.spent } };
  }

  async function spendTokens(channel: Channel, to: OutboundRecipient, tokens: number): Promise<void> {
    if (tokens === 0 || !channel.modelBudget) return;
    await channel.modelBudget.spend(to, tokens).catch((err) => logger.warn({ err, tokens }, 'model tokens not counted'));
  }

  return async function processTurn(job: Job<TurnJobData>, token?: string): Promise<TurnOutcome> {
    const { conversationId } = job.data;
    const lock = await tryLock(deps.redis, `conversation-lock:${conversationId}`, deps.lockMs);
    if (!lock) return postpone(job, token, 100 + Math.floor(Math.random() * 200));
    const stopTimer = deps.metrics.jobDuration.startTimer();
    let outcome: TurnOutcome | 'postponed' | 'error' = 'error';
    try {
      // Taken with the lock: from now on, turns that held it before can no longer send.
      const fence = { conversationId, fence: await raiseFence(conversationId) };
      const state = await loadTurnState(conversationId);
      if (!state) throw new Error(`conversation ${conversationId} does not exist`);
      const { conversation, pending } = state;
      const channel = deps.channels.get(conversation.channel);
      if (!channel) throw new Error(`channel ${conversation.channel} is not configured in this process`);
      const onHandoff = channel.onHandoff?.bind(channel);
      // A text carries no MediaId: a turn of texts alone (most turns) asks the database nothing here.
      await fetchInboundMedia(
        deps,
        channel,
        conversation,
        pending.filter((m) => m.kind !== 'text').map((m) => m.id),
      );

      const earlier = await deliverUnfinished(delivery, conversation, fence, channel.sender, state.unfinished, onHandoff);
      if (pending.length === 0) return (outcome = 'nothing_pending');
      if (conversation.status !== 'bot' || earlier === 'handed_over') {
        const { text, intervalMs } = deps.holdNotice;
        const sinceLastWord = state.lastOutboundAt ? Date.now() - state.lastOutboundAt.getTime() : Number.POSITIVE_INFINITY;
        if (conversation.status === 'needs_human' && earlier !== 'handed_over' && intervalMs > 0 && sinceLastWord >= intervalMs) {
          const notice = await saveReply({
            conversationId,
            answers: pending.map((m) => m.id),
            askedAt: pending[pending.length - 1]!.createdAt,
            text,
            parts: channel.sender.splitText(text),
            meta: { holdNotice: true },
            holdNotice: true,
          });
          if (notice.saved) deps.announce([conversationId], 'message');
          await deliverUnfinished(delivery, conversation, fence, channel.sender, notice.deliveries, onHandoff);
        } else {
          await holdPendingMessages(
            db,
            pending.map((m) => m.id),
          );
        }
        return (outcome = 'held');
      }
      const quietFor = Date.now() - pending[pending.length - 1]!.createdAt.getTime();
      if (quietFor < deps.coalesceWindowMs) {
        outcome = 'postponed';
        return await postpone(job, token, deps.coalesceWindowMs - quietFor);
      }
      const to = { accountName: conversation.accountName, customerExternalId: conversation.customerExternalId };
      await channel.onTurnStart?.(to).catch((err) => logger.warn({ err, conversationId }, 'turn-start hook failed'));
      const drafts = relayDrafts(channel, to, pending[pending.length - 1]!.id, (err) =>
        logger.warn({ err, conversationId }, 'reply draft not published'),
      );
      try {
        const answered = await answer(conversation, pending, state.history, channel, drafts);
        outcome = answered.outcome;
        await deliverUnfinished(delivery, conversation, fence, channel.sender, answered.deliveries, onHandoff);
      } finally {
        drafts.end();
      }
      // After the handoff reply went out: some platforms stop accepting bot sends once transferred.
      if (outcome === 'handoff') {
        await channel.onHandoff?.(to, 'brain_handoff').catch((err) => logger.warn({ err, conversationId }, 'handoff hook failed'));
      }
      logger.debug({ conversationId, outcome }, 'turn done');
      return outcome;
    } finally {
      await lock.release();
      stopTimer({ outcome });
    }
  };
}

/**
 * Hands the brain's drafts of the turn's reply to the channel, if it shows them (the web widget),
 * without ever waiting on or failing because of them. When the turn is over — reply sent, or no
 * reply at all (the brain or the database failed) — an empty draft tells the client to drop it.
 */
function relayDrafts(
  channel: Channel,
  to: OutboundRecipient,
  replyTo: number,
  warn: (err: unknown) => void,
): AnswerOptions & { end(): void } {
  const publish = channel.onDraft?.bind(channel);
  if (!publish) return { end: () => {} };
  let drafted = false;
  const relay = (text: string) => void publish(to, { replyTo, text }).catch(warn);
  return {
    onDraft(text) {
      drafted = true;
      relay(text);
    },
    end() {
      if (drafted) relay('');
    },
  };
}
