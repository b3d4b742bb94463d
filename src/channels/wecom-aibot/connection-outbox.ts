import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { DeliveryError } from '../../errors.ts';

/**
 * Proactive messages (aibot_send_msg, doc 101463) leave through the one process holding the bot's
 * connection, wherever the reply was written: the writer queues a request in Redis and waits for
 * the holder's answer. A request carries its deadline; the holder sends it only while there is time
 * left for WeCom's acknowledgement (the SDK waits 5 s for it) to be reported before then, and drops
 * it otherwise: the writer gives up at the deadline and its retry asks again, so a late send would
 * be a duplicate.
 */

/** The SDK's wait for an acknowledgement (replyAckTimeout, 5 s), and a margin to report it. */
const SEND_BUDGET_MS = 6000;

export interface OutboxRequest {
  id: string;
  chatid: string;
  content: string;
  /** Epoch ms after which the writer no longer waits. */
  deadline: number;
}

type OutboxResult = { ok: true } | { ok: false; retryable: boolean; code: string; message: string };

const outboxKey = (accountName: string) => `wecom-aibot:outbox:${accountName}`;
const resultKey = (id: string) => `wecom-aibot:outbox-result:${id}`;

/** Queues one message for the connection and waits for its outcome. Throws DeliveryError. */
export async function sendThroughConnection(
  redis: Redis,
  accountName: string,
  message: { chatid: string; content: string },
  waitMs: number,
): Promise<{ id: string }> {
  const request: OutboxRequest = { id: randomUUID(), ...message, deadline: Date.now() + waitMs };
  await redis.lpush(outboxKey(accountName), JSON.stringify(request));
  while (Date.now() < request.deadline + 500) {
    const raw = await redis.get(resultKey(request.id));
    if (raw) {
      const result = JSON.parse(raw) as OutboxResult;
      if (result.ok) return { id: request.id };
      throw new DeliveryError(result.retryable, result.code, result.message);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new DeliveryError(true, 'wecom-aibot:no_connection', `no process holding the bot's connection answered within ${waitMs} ms`);
}

/**
 * The holder's side: takes requests one by one (a blocking pop on a connection of its own) and
 * answers each, until `active()` says the connection is no longer ours.
 */
export async function serveOutbox(
  blocking: Redis,
  accountName: string,
  active: () => boolean,
  send: (request: OutboxRequest) => Promise<OutboxResult>,
): Promise<void> {
  while (active()) {
    const popped = await blocking.brpop(outboxKey(accountName), 1);
    if (!popped) continue;
    const request = JSON.parse(popped[1]) as OutboxRequest;
    if (request.deadline - Date.now() < SEND_BUDGET_MS) continue;
    if (!active()) {
      // Lost the connection between the pop and the send: back for the next holder.
      await blocking.rpush(outboxKey(accountName), popped[1]);
      return;
    }
    const result = await send(request);
    await blocking.set(resultKey(request.id), JSON.stringify(result), 'EX', 60);
  }
}
