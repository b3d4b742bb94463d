import { randomBytes } from 'node:crypto';
import { sealForReceiver, type CallbackCryptoKeys } from '../channels/shared/wxbiz-msg-crypt.ts';

/**
 * Builds callbacks exactly as WeCom sends them to a 接收消息 URL: the message XML encrypted for
 * the corp, wrapped in <xml><ToUserName/><AgentID/><Encrypt/></xml>, signed in the query string.
 */
export interface WecomTextMessage {
  toCorp: string;
  agentId: number;
  from: string;
  text: string;
  msgId: string;
  createTime?: number;
}

export function wecomTextXml(m: WecomTextMessage): string {
  const time = m.createTime ?? Math.floor(Date.now() / 1000);
  return `<xml><ToUserName><![CDATA[${m.toCorp}]]></ToUserName><FromUserName><![CDATA[${m.from}]]></FromUserName><CreateTime>${time}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${m.text}]]></Content><MsgId>${m.msgId}</MsgId><AgentID>${m.agentId}</AgentID></xml>`;
}

export interface SealedCallback {
  /** Query string with msg_signature, timestamp and nonce. */
  query: string;
  body: string;
}

export function sealWecomCallback(
  keys: CallbackCryptoKeys,
  agentId: number,
  innerXml: string,
  timestamp = String(Math.floor(Date.now() / 1000)),
): SealedCallback {
  const nonce = randomBytes(6).toString('hex');
  const { encrypted, msgSignature } = sealForReceiver(keys, innerXml, timestamp, nonce);
  const body = `<xml><ToUserName><![CDATA[${keys.receiveId}]]></ToUserName><AgentID><![CDATA[${agentId}]]></AgentID><Encrypt><![CDATA[${encrypted}]]></Encrypt></xml>`;
  const query = new URLSearchParams({ msg_signature: msgSignature, timestamp, nonce }).toString();
  return { query, body };
}

export async function postCallback(baseUrl: string, path: string, cb: SealedCallback): Promise<Response> {
  return fetch(`${baseUrl}${path}?${cb.query}`, { method: 'POST', body: cb.body, headers: { 'content-type': 'text/xml' } });
}
