/**
 * Fencing tokens for the conversation lock. The Redis lock can expire under a turn that is still
 * running (a long pause, a Redis failover); the next holder then runs alongside it. Each turn that
 * takes the lock raises the conversation's `send_fence` and keeps the value (load-turn.ts,
 * startTurns); a delivery is marked `sending` only in a statement that finds the fence unchanged
 * (deliveries.ts, markSending, and the first part of a reply in save-reply.ts), so a superseded
 * turn can no longer send. The counter lives in the database, beside what it guards: it survives
 * a Redis that lost its data.
 *
 * The turn's right to send for one conversation: the fence value it raised when it took the lock.
 */
export interface SendFence {
  conversationId: number;
  fence: number;
}

/** A turn found its fence moved: another turn holds the conversation now. Retried by the queue. */
export class SendFenceLostError extends Error {
  constructor(conversationId: number) {
    super(`conversation ${conversationId}: the lock passed to another turn; this turn sends nothing more`);
    this.name = 'SendFenceLostError';
  }
}
