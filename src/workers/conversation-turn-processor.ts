import { DelayedError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { AnswerOptions, Brain, BrainDecision } from '../brain/types.ts';
import type { Channel, OutboundRecipient } from '../channels/types.ts';
import type { AnnounceConversations } from '../conversations/announce-conversations.ts';
import { batchedDeliveryMarks, type UnfinishedDelivery } from '../conversations/deliveries.ts';
import { type ConversationHeader, type StoredMessage, startTurns } from '../conversations/load-turn.ts';
import type { SendFence } from '../conversations/send-fence.ts';
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
   * `intervalMs` (0 = never), so they do not talk into silence. Asked at each turn: the console changes it.
   */
  holdNotice(): { text: string; intervalMs: number };
  /**
   * Optional: the out-of-hours message when nobody answers at `at` (business hours). A handoff
   * then tells the customer it instead of the handoff's reply, and so does the hold notice: both
   * promise a person soon, which is not true until the next opening.
   */
  outOfHoursMessage?(at: Date): string | undefined;
  /**
   * Optional: a handoff for a customer in a segment that goes straight to a person, asked before
   * the brain on each turn until an agent has replied in the conversation (as VIPs are).
   */
  segmentHandoff?(customerId: number): Promise<Extract<BrainDecision, { kind: 'handoff' }> | undefined>;
  historyTurns?: number;
  /**
   * Optional: the conversation was handed to a person (committed; the handoff reply sent, or a
   * send failed for good). Queues the notice to on-duty agents; `handoff` names the handoff, so a
   * retried turn notifies once.
   */
  onWaiting?(conversationId: number, handoff: string): Promise<void>;
  /** The console is told of each reply, hold notice and handoff once stored. */
  announce: AnnounceConversations;
  /**
   * Optional: the customer messages a turn answered or held, after the turn, and whether any tag
   * rule was enabled when the turn started (the tag rules run on them apart, so tagging never
   * delays a reply).
   */
  onTurnMessages?(conversationId: number, messages: StoredMessage[], tagRulesEnabled: boolean): Promise<void>;
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
  // Concurrent turns start from one shared statement under load (group commit, src/lib/batch-while-busy.ts).
  const startTurn = batchWhileBusy(
    (ids: number[]) => startTurns(db, ids, deps.historyTurns ?? 20),
    observeGroupCommit(deps.metrics, 'turn_states'),
  );
  const saveReply = batchWhileBusy((replies: ReplyToSave[]) => saveReplies(db, replies), observeGroupCommit(deps.metrics, 'replies'));

  function afterTurn(conversationId: number, pending: StoredMessage[], tagRulesEnabled: boolean): void {
    deps
      .onTurnMessages?.(
        conversationId,
        pending.filter((m) => m.sender === 'customer'),
        tagRulesEnabled,
      )
      .catch((err) => logger.warn({ err, conversationId }, 'tag rules not queued for the turn'));
  }

  async function postpone(job: Job<TurnJobData>, token: string | undefined, delayMs: number): Promise<never> {
    await job.moveToDelayed(Date.now() + delayMs, token);
    throw new DelayedError();
  }

  async function answer(
    fence: SendFence,
    conversation: ConversationHeader,
    pending: StoredMessage[],
    history: StoredMessage[],
    channel: Channel,
    drafts: AnswerOptions,
  ): Promise<{ outcome: TurnOutcome; deliveries: UnfinishedDelivery[] }> {
    const to = { accountName: conversation.accountName, customerExternalId: conversation.customerExternalId };
    const turn = await brainForTurn(channel, to);
    let tokens = 0;
    const bySegment = history.some((m) => m.sender === 'agent') ? undefined : await deps.segmentHandoff?.(conversation.customerId);
    const decided =
      bySegment ??
      (await turn.brain.answer(
        {
          conversationId: conversation.id,
          customer: { id: conversation.customerId, displayName: conversation.customerName ?? undefined, tags: conversation.customerTags },
          knowledgeBase: conversation.knowledgeBase,
          history: history.map((m) => ({
            from: m.direction === 'in' ? 'customer' : (m.sender as 'bot' | 'agent' | 'system'),
            text: m.text,
            at: m.createdAt,
            ...(m.meta && { meta: m.meta }),
          })),
        },
        pending.map((m) => ({ kind: m.kind, text: m.text, at: m.createdAt })),
        { ...drafts, onTokens: (count) => (tokens += count) },
      ));
    const decision = decided.kind === 'handoff' ? outOfHours(decided) : decided;
    await spendTokens(channel, to, tokens);
    const handoffReason = decision.kind === 'handoff' ? decision.reason : undefined;
    const { saved, deliveries } = await saveReply({
      conversationId: conversation.id,
      answers: pending.map((m) => m.id),
      askedAt: pending[pending.length - 1]!.createdAt,
      text: decision.text,
      parts: channel.sender.splitText(decision.text),
      // The tokens the model spent on this answer: the dashboard's tokens and cost per day.
      meta: { ...decision.meta, ...turn.meta, ...(handoffReason ? { handoffReason } : {}), ...(tokens > 0 && { modelTokens: tokens }) },
      handoffReason,
      fence: fence.fence,
    });
    if (saved && handoffReason) deps.metrics.handoffs.inc({ reason: handoffReason });
    if (saved) deps.announce([conversation.id], handoffReason ? 'waiting' : 'message');
    return { outcome: handoffReason ? 'handoff' : 'answered', deliveries };
  }

  /** A handoff while nobody is at work says so, and stays in the agents' queue for the next opening. */
  function outOfHours<D extends BrainDecision>(decision: D): D {
    const closed = deps.outOfHoursMessage?.(new Date());
    return closed === undefined ? decision : { ...decision, text: closed, meta: { ...decision.meta, outOfHours: true } };
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
      // The fence is raised with the lock taken: from now on, turns that held it before can no longer send.
      const started = await startTurn(conversationId);
      if (!started) throw new Error(`conversation ${conversationId} does not exist`);
      const { state } = started;
      const fence = { conversationId, fence: started.fence };
      const { conversation, pending } = state;
      const channel = deps.channels.get(conversation.channel);
      if (!channel) throw new Error(`channel ${conversation.channel} is not configured in this process`);
      const notifyWaiting = (handoff: string) =>
        deps
          .onWaiting?.(conversationId, handoff)
          .catch((err) => logger.warn({ err, conversationId }, 'agents not notified of the handoff'));
      // A send that failed for good flagged the conversation: the agents are told, and the platform.
      const onHandoff: Channel['onHandoff'] = async (to, reason) => {
        await notifyWaiting(`${reason}-${Date.now()}`);
        await channel.onHandoff?.(to, reason);
      };
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
        const holdNotice = deps.holdNotice();
        const closed = deps.outOfHoursMessage?.(new Date());
        const [text, intervalMs] = [closed ?? holdNotice.text, holdNotice.intervalMs];
        const sinceLastWord = state.lastOutboundAt ? Date.now() - state.lastOutboundAt.getTime() : Number.POSITIVE_INFINITY;
        if (conversation.status === 'needs_human' && earlier !== 'handed_over' && intervalMs > 0 && sinceLastWord >= intervalMs) {
          const notice = await saveReply({
            conversationId,
            answers: pending.map((m) => m.id),
            askedAt: pending[pending.length - 1]!.createdAt,
            text,
            parts: channel.sender.splitText(text),
            meta: { holdNotice: true, ...(closed !== undefined && { outOfHours: true }) },
            holdNotice: true,
            fence: fence.fence,
          });
          if (notice.saved) deps.announce([conversationId], 'message');
          await deliverUnfinished(delivery, conversation, fence, channel.sender, notice.deliveries, onHandoff);
        } else {
          await holdPendingMessages(
            db,
            pending.map((m) => m.id),
          );
        }
        afterTurn(conversationId, pending, state.tagRulesEnabled);
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
        const answered = await answer(fence, conversation, pending, state.history, channel, drafts);
        outcome = answered.outcome;
        await deliverUnfinished(delivery, conversation, fence, channel.sender, answered.deliveries, onHandoff);
      } finally {
        drafts.end();
      }
      // After the handoff reply went out: some platforms stop accepting bot sends once transferred.
      if (outcome === 'handoff') {
        await channel.onHandoff?.(to, 'brain_handoff').catch((err) => logger.warn({ err, conversationId }, 'handoff hook failed'));
        const last = pending[pending.length - 1]!;
        await notifyWaiting(`turn-${last.id}-${last.createdAt.getTime()}`);
      }
      afterTurn(conversationId, pending, state.tagRulesEnabled);
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
