import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import type { WechatMpAccount } from './config.ts';
import { RejectedRequestError } from '../../errors.ts';
import { readBody } from '../../http/read-body.ts';
import { constantTimeEqual } from '../../lib/constant-time-equal.ts';
import type { CallbackLimits } from '../shared/wx-callback.ts';
import { checkReplayWindow, decryptForReceiver, verifySignature } from '../shared/wxbiz-msg-crypt.ts';
import { field, parseWxXml, type XmlFields } from '../shared/wx-xml.ts';

/**
 * Official Account callbacks in the three message modes (消息加解密说明
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Message_encryption_and_decryption_instructions.html):
 * - plain (明文): the query carries `signature` = sha1 of the sorted [token, timestamp, nonce]
 *   joined (接入概述 https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/Access_Overview.html);
 * - compatible (兼容): the body carries the plaintext fields and <Encrypt>; the query adds
 *   encrypt_type=aes and msg_signature;
 * - safe (安全): the body carries only <Encrypt>.
 * Encrypted callbacks use the WXBizMsgCrypt scheme with receiveid = the account's AppID.
 *
 * With an EncodingAESKey configured we require <Encrypt> and read only the decrypted copy (the
 * compatible mode's plaintext is unauthenticated by msg_signature, so it is ignored); without one
 * the plain signature is required and encrypted bodies are refused as undecryptable.
 */

export function plainSignature(token: string, timestamp: string, nonce: string): string {
  return createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
}

function queryValue(ctx: Context, name: string): string {
  const v = ctx.query[name];
  return typeof v === 'string' ? v : '';
}

/** Checks `signature`, `timestamp` and `nonce` of the query (all modes carry them). */
export function verifyPlainQuery(ctx: Context, token: string, limits: CallbackLimits): { timestamp: string; nonce: string } {
  const signature = queryValue(ctx, 'signature');
  const timestamp = queryValue(ctx, 'timestamp');
  const nonce = queryValue(ctx, 'nonce');
  if (!signature || !timestamp || !nonce)
    throw new RejectedRequestError('missing_signature', 'signature, timestamp and nonce are required', 400);
  checkReplayWindow(timestamp, limits.replayWindowSeconds);
  if (!constantTimeEqual(plainSignature(token, timestamp, nonce), signature.toLowerCase())) {
    throw new RejectedRequestError('bad_signature', 'signature does not match', 401);
  }
  return { timestamp, nonce };
}

/**
 * GET URL verification (服务器配置 → 提交): in every mode WeChat signs with `signature` and expects
 * `echostr` back verbatim.
 */
export function answerMpUrlVerification(ctx: Context, account: WechatMpAccount, limits: CallbackLimits): void {
  verifyPlainQuery(ctx, account.token, limits);
  const echostr = queryValue(ctx, 'echostr');
  if (!echostr) throw new RejectedRequestError('missing_echostr', 'echostr is required', 400);
  ctx.type = 'text/plain';
  ctx.body = echostr;
}

/** Reads, verifies and (in compatible/safe mode) decrypts a POST callback into its message XML. */
export async function openMpCallback(ctx: Context, account: WechatMpAccount, limits: CallbackLimits): Promise<XmlFields> {
  const body = await readBody(ctx.req, limits.maxBodyBytes);
  if (!account.encodingAesKey) {
    verifyPlainQuery(ctx, account.token, limits);
    const doc = parseWxXml(body);
    if (field(doc, 'Encrypt') && !field(doc, 'MsgType')) {
      throw new RejectedRequestError('undecryptable', 'encrypted callback but no EncodingAESKey is configured (plain mode)', 400);
    }
    return doc;
  }
  const msgSignature = queryValue(ctx, 'msg_signature');
  const timestamp = queryValue(ctx, 'timestamp');
  const nonce = queryValue(ctx, 'nonce');
  if (!msgSignature || !timestamp || !nonce)
    throw new RejectedRequestError('missing_signature', 'msg_signature, timestamp and nonce are required', 400);
  const outer = parseWxXml(body);
  const encrypted = field(outer, 'Encrypt');
  if (!encrypted) throw new RejectedRequestError('encryption_required', 'an EncodingAESKey is configured: <Encrypt> is required', 400);
  checkReplayWindow(timestamp, limits.replayWindowSeconds);
  const keys = { token: account.token, encodingAesKey: account.encodingAesKey, receiveId: account.appId };
  verifySignature(keys, { msgSignature, timestamp, nonce }, encrypted);
  return parseWxXml(decryptForReceiver(keys, encrypted));
}
