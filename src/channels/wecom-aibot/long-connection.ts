import type { WSClient, WsFrame } from '@wecom/aibot-node-sdk';
import type { Redis } from 'ioredis';
import type { Logger } from '../../observability/logger.ts';
import type { Metrics } from '../../observability/metrics.ts';
import type { AibotMessage } from './aibot-message.ts';
import { type AnswerDeps, answerAibotMessage, streamReply } from './answer-message.ts';
import { competeForLease, currentFence } from './connection-lease.ts';
import { serveOutbox } from './connection-outbox.ts';

export interface LongConnectionDeps {
  /** Commands (keyPrefix applied). */
  redis: Redis;
  /** In subscriber mode: hears which streams changed (StreamStore.changes). */
  subscriber: Redis;
  /** For the outbox's blocking pops. */
  blocking: Redis;
  /** How the account answers a callback (its streams, the intake, feedback). */
  answering: AnswerDeps;
  logger: Logger;
  metrics: Metrics;
  lease: { ttlMs: number; pollMs: number };
  /** Heartbeat (ping) interval of the SDK; WeCom closes a silent connection. */
  heartbeatMs: number;
  /** The SDK's client class, loaded by the caller only when a bot holds a long connection. */
  WSClient: typeof WSClient;
}

/**
 * Holds a bot's long connection while this process holds its lease (connection-lease.ts), with the
 * official SDK (@wecom/aibot-node-sdk: subscribe, ping heartbeats, reconnects with back-off;
 * https://developer.work.weixin.qq.com/document/path/101463). A message is stored and queued before
 * its first reply frame (the stream id) acknowledges it; the streams' text, written into Redis by
 * whichever worker answers, is pushed as aibot_respond_msg frames when it changes. Returns the stop,
 * which gives the lease up at once so a drain hands the connection over without waiting for the TTL.
 */
export function holdLongConnection(deps: LongConnectionDeps): () => Promise<void> {
  const { account, streams } = deps.answering;
  const { logger } = deps;
  const log = logger.child({ channel: 'wecom-aibot', account: account.name });
  let held: { fence: number; client: WSClient; pushing: Map<string, Promise<void>>; dirty: Set<string> } | undefined;

  const push = (streamId: string): void => {
    const h = held;
    if (!h) return;
    if (h.pushing.has(streamId)) {
      h.dirty.add(streamId);
      return;
    }
    const run = pushStream(h.client, h.fence, streamId)
      .catch((err) => log.warn({ err, streamId }, 'stream frame not delivered'))
      .finally(() => {
        h.pushing.delete(streamId);
        if (h.dirty.delete(streamId)) push(streamId);
      });
    h.pushing.set(streamId, run);
  };

  // Only the connection a message came on may answer its req_id: streams of another fence are skipped.
  async function pushStream(client: WSClient, fence: number, streamId: string): Promise<void> {
    const record = await streams.record(streamId);
    if (!record?.reqId || record.fence !== fence) return;
    const state = await streams.read(streamId);
    await client.reply({ headers: { req_id: record.reqId } }, streamReply(streamId, state));
    if (state.finished) await streams.markDelivered(streamId);
  }

  async function onMessage(client: WSClient, fence: number, frame: WsFrame): Promise<void> {
    const reqId = frame.headers?.req_id ?? '';
    const answered = await answerAibotMessage(frame.body as AibotMessage, deps.answering, { reqId, fence });
    deps.metrics.callbacks.inc({ channel: 'wecom-aibot', result: answered.result });
    const reply = answered.reply;
    if (!reply) return;
    await client.reply({ headers: { req_id: reqId } }, reply);
    // A retried message may have its answer already.
    if ('stream' in reply && (reply.stream.finish || reply.stream.content)) push(reply.stream.id);
  }

  async function onEvent(client: WSClient, frame: WsFrame): Promise<void> {
    const reqId = frame.headers?.req_id ?? '';
    const answered = await answerAibotMessage(frame.body as AibotMessage, deps.answering);
    deps.metrics.callbacks.inc({ channel: 'wecom-aibot', result: answered.result });
    const reply = answered.reply;
    // Both within 5 s (doc 101463): enter_chat's welcome as aibot_respond_welcome_msg, a clicked
    // card's replacement as aibot_respond_update_msg.
    if (reply && 'msgtype' in reply && reply.msgtype === 'text') await client.replyWelcome({ headers: { req_id: reqId } }, reply);
    if (reply && 'response_type' in reply) await client.updateTemplateCard({ headers: { req_id: reqId } }, reply.template_card);
  }

  const start = (fence: number) => {
    log.info({ fence }, 'holding the AI bot connection');
    const client = new deps.WSClient({
      botId: account.botId!,
      secret: account.secret!,
      wsUrl: account.wsUrl,
      heartbeatInterval: deps.heartbeatMs,
      reconnectInterval: 1000,
      maxReconnectAttempts: -1,
      maxAuthFailureAttempts: -1,
      logger: sdkLogger(log),
    });
    const h = { fence, client, pushing: new Map<string, Promise<void>>(), dirty: new Set<string>() };
    held = h;
    // An unacknowledged message is not lost: it is stored on WeCom's side, not ours, until the first frame.
    client.on('message', (frame) => void onMessage(client, fence, frame).catch((err) => log.error({ err }, 'AI bot message not accepted')));
    client.on('event', (frame) => void onEvent(client, frame).catch((err) => log.warn({ err }, 'AI bot event not answered')));
    client.on('authenticated', () => log.info({ fence }, 'AI bot connection subscribed'));
    client.on('error', (err) => log.warn({ err }, 'AI bot connection error'));
    client.connect();
    const active = () => held === h;
    void serveOutbox(deps.blocking, account.name, active, async (request) => {
      // Fencing: a holder that lost the lease (it may not know yet) must not send.
      if ((await currentFence(deps.redis, account.name)) !== fence)
        return { ok: false, retryable: true, code: 'wecom-aibot:fenced', message: 'the connection changed hands' };
      try {
        await client.sendMessage(request.chatid, { msgtype: 'markdown', markdown: { content: request.content } });
        return { ok: true };
      } catch (err) {
        const frame = err as { errcode?: number; errmsg?: string; message?: string };
        if (frame.errcode !== undefined)
          return { ok: false, retryable: false, code: `wecom-aibot:${frame.errcode}`, message: frame.errmsg ?? '' };
        return { ok: false, retryable: true, code: 'wecom-aibot:connection', message: frame.message ?? String(err) };
      }
    }).catch((err) => log.warn({ err }, 'AI bot outbox stopped'));
  };

  const stop = (fence: number) => {
    const h = held;
    if (!h || h.fence !== fence) return;
    held = undefined;
    log.info({ fence }, 'AI bot connection handed over');
    h.client.disconnect();
  };

  const changes = streams.changes!;
  deps.subscriber.on('message', (channel: string, streamId: string) => {
    if (channel === changes) push(streamId);
  });
  const subscribed = deps.subscriber.subscribe(changes);
  // The fence leased now: a lease lost while the subscription was still being confirmed starts nothing.
  let leased: number | undefined;
  const giveUp = competeForLease(deps.redis, account.name, deps.lease, {
    acquired: (fence) => {
      leased = fence;
      void subscribed.then(() => leased === fence && start(fence));
    },
    lost: (fence) => {
      if (leased === fence) leased = undefined;
      stop(fence);
    },
    error: (err) => log.warn({ err }, 'AI bot connection lease unavailable'),
  });
  return async () => {
    const pending = held ? [...held.pushing.values()] : [];
    await Promise.allSettled(pending);
    await giveUp();
    await deps.subscriber.unsubscribe(changes).catch(() => {});
  };
}

/**
 * The SDK logs through ours. Its debug lines carry message bodies, so they stay at debug; the
 * extra arguments of its errors (a parse error quotes the frame) are dropped, so no customer text
 * reaches the error log.
 */
function sdkLogger(log: Logger) {
  return {
    debug: (message: string) => log.debug({ sdk: true }, message),
    info: (message: string) => log.info({ sdk: true }, message),
    warn: (message: string) => log.warn({ sdk: true }, message),
    error: (message: string) => log.error({ sdk: true }, message),
  };
}
