import type { Context } from 'koa';
import { RejectedRequestError } from '../../errors.ts';
import { readBody } from '../../http/read-body.ts';
import type { Metrics } from '../../observability/metrics.ts';
import type { AcceptInbound, ChannelKind, InboundMessage } from '../types.ts';
import { checkReplayWindow, decryptForReceiver, verifySignature, type CallbackCryptoKeys, type SignedQuery } from './wxbiz-msg-crypt.ts';
import { parseWxXml, requiredField, type XmlFields } from './wx-xml.ts';

/**
 * The encrypted-callback flow shared by WeCom apps, WeCom Customer Service and Official Accounts in
 * safe mode: verify, decrypt, parse, hand over durably, then acknowledge. The platform gives us 5 s
 * and retries otherwise, so nothing slow (the brain, outbound calls) happens before the ack.
 */

export interface CallbackLimits {
  replayWindowSeconds: number;
  maxBodyBytes: number;
}

export function signedQuery(ctx: Context): SignedQuery {
  const q = ctx.query;
  const one = (v: unknown) => (typeof v === 'string' ? v : '');
  const query = { msgSignature: one(q.msg_signature), timestamp: one(q.timestamp), nonce: one(q.nonce) };
  if (!query.msgSignature || !query.timestamp || !query.nonce) {
    throw new RejectedRequestError('missing_signature', 'msg_signature, timestamp and nonce are required', 400);
  }
  return query;
}

/** GET URL verification: answer the decrypted echostr and nothing else. */
export function answerUrlVerification(ctx: Context, keys: CallbackCryptoKeys, limits: CallbackLimits): void {
  const query = signedQuery(ctx);
  const echostr = typeof ctx.query.echostr === 'string' ? ctx.query.echostr : '';
  if (!echostr) throw new RejectedRequestError('missing_echostr', 'echostr is required', 400);
  checkReplayWindow(query.timestamp, limits.replayWindowSeconds);
  verifySignature(keys, query, echostr);
  ctx.type = 'text/plain';
  ctx.body = decryptForReceiver(keys, echostr);
}

/** Reads, verifies and decrypts an encrypted POST callback into its inner XML document. */
export async function openEncryptedCallback(ctx: Context, keys: CallbackCryptoKeys, limits: CallbackLimits): Promise<XmlFields> {
  const query = signedQuery(ctx);
  const body = await readBody(ctx.req, limits.maxBodyBytes);
  const outer = parseWxXml(body);
  const encrypted = requiredField(outer, 'Encrypt');
  checkReplayWindow(query.timestamp, limits.replayWindowSeconds);
  verifySignature(keys, query, encrypted);
  return parseWxXml(decryptForReceiver(keys, encrypted));
}

/**
 * Runs one callback: `handle` opens and normalizes it; the message is accepted durably before the
 * empty 200. Every outcome is counted; refusals propagate to the error middleware (4xx), and an
 * UnavailableError becomes a 503 so the platform retries.
 */
export async function runCallback(
  ctx: Context,
  channel: ChannelKind,
  metrics: Metrics,
  accept: AcceptInbound,
  handle: () => Promise<InboundMessage | undefined>,
): Promise<void> {
  const stopTimer = metrics.ackLatency.startTimer({ channel });
  try {
    const message = await handle();
    const result = message ? (await accept(message)).outcome : 'ignored';
    ctx.status = 200;
    ctx.body = '';
    metrics.callbacks.inc({ channel, result });
    stopTimer();
  } catch (err) {
    metrics.callbacks.inc({ channel, result: err instanceof RejectedRequestError ? err.code : 'error' });
    throw err;
  }
}
