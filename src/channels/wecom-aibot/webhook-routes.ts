import type Router from '@koa/router';
import type { Context } from 'koa';
import { RejectedRequestError } from '../../errors.ts';
import { readBody } from '../../http/read-body.ts';
import type { Metrics } from '../../observability/metrics.ts';
import { answerUrlVerification, type CallbackLimits, signedQuery } from '../shared/wx-callback.ts';
import {
  type CallbackCryptoKeys,
  checkReplayWindow,
  decryptForReceiver,
  sealForReceiver,
  verifySignature,
} from '../shared/wxbiz-msg-crypt.ts';
import type { AibotMessage } from './aibot-message.ts';
import { answerAibotMessage, type AibotReply, type AnswerDeps } from './answer-message.ts';
import type { WecomAibotAccount } from './config.ts';

export interface WebhookDeps {
  accounts: WecomAibotAccount[];
  /** How each account answers a callback, by name. */
  answering: Map<string, AnswerDeps>;
  limits: CallbackLimits;
  metrics: Metrics;
}

/**
 * GET and POST /callbacks/wecom-aibot/:account — the AI bot's 接收消息 URL in webhook mode. GET
 * verifies the URL once; POST delivers each message, event and stream refresh, encrypted JSON with
 * an empty ReceiveId (https://developer.work.weixin.qq.com/document/path/101033), and is answered
 * with an encrypted passive reply: a new message gets its stream id at once, a refresh the whole
 * answer so far (https://developer.work.weixin.qq.com/document/path/100719).
 */
export function registerAibotWebhookRoutes(router: Router, deps: WebhookDeps): void {
  const webhookAccounts = new Map(deps.accounts.filter((a) => a.mode === 'webhook').map((a) => [a.name, a]));
  const accountFor = (ctx: Context): { account: WecomAibotAccount; keys: CallbackCryptoKeys } => {
    const name = String(ctx.params.account);
    const account = webhookAccounts.get(name);
    if (!account) throw new RejectedRequestError('unknown_account', `no WeCom AI bot in webhook mode named "${name}" is configured`, 404);
    return { account, keys: { token: account.token!, encodingAesKey: account.encodingAesKey!, receiveId: '' } };
  };

  router.get('/callbacks/wecom-aibot/:account', (ctx) => {
    answerUrlVerification(ctx, accountFor(ctx).keys, deps.limits);
  });

  router.post('/callbacks/wecom-aibot/:account', async (ctx) => {
    const stopTimer = deps.metrics.ackLatency.startTimer({ channel: 'wecom-aibot' });
    try {
      const { account, keys } = accountFor(ctx);
      const message = await openAibotCallback(ctx, keys, deps.limits);
      const { reply, result } = await answerAibotMessage(message, deps.answering.get(account.name)!);
      sealPassiveReply(ctx, keys, reply);
      deps.metrics.callbacks.inc({ channel: 'wecom-aibot', result });
      stopTimer();
    } catch (err) {
      deps.metrics.callbacks.inc({ channel: 'wecom-aibot', result: err instanceof RejectedRequestError ? err.code : 'error' });
      throw err;
    }
  });
}

/** Reads, verifies and decrypts `{"encrypt": "…"}` (doc 100719, 回调和回复的加解密方案 doc 101033). */
async function openAibotCallback(ctx: Context, keys: CallbackCryptoKeys, limits: CallbackLimits): Promise<AibotMessage> {
  const query = signedQuery(ctx);
  const body = await readBody(ctx.req, limits.maxBodyBytes);
  const encrypted = jsonField(body, 'encrypt');
  checkReplayWindow(query.timestamp, limits.replayWindowSeconds);
  verifySignature(keys, query, encrypted);
  const message = JSON.parse(decryptForReceiver(keys, encrypted)) as AibotMessage;
  if (typeof message?.msgtype !== 'string') throw new RejectedRequestError('bad_body', 'the decrypted callback has no msgtype', 400);
  return message;
}

function jsonField(body: string, field: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw new RejectedRequestError('bad_body', 'the callback body is not JSON', 400);
  }
  const value = (parsed as Record<string, unknown> | null)?.[field];
  if (typeof value !== 'string' || !value) throw new RejectedRequestError('bad_body', `the callback has no "${field}"`, 400);
  return value;
}

/**
 * The passive reply: the JSON encrypted, signed over (token, timestamp, the callback's nonce,
 * encrypt) (doc 101033). Nothing to say is an empty body, which WeCom also takes.
 */
function sealPassiveReply(ctx: Context, keys: CallbackCryptoKeys, reply: AibotReply | undefined): void {
  ctx.status = 200;
  if (!reply) {
    ctx.body = '';
    return;
  }
  const { nonce } = signedQuery(ctx);
  const timestamp = String(Math.floor(Date.now() / 1000));
  const { encrypted, msgSignature } = sealForReceiver(keys, JSON.stringify(reply), timestamp, nonce);
  ctx.body = { encrypt: encrypted, msgsignature: msgSignature, timestamp, nonce };
}
