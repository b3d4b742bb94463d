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

/**
 * The 客户联系 event a tag library change sends (change_external_tag,
 * https://developer.work.weixin.qq.com/document/path/92130): from `sys`, with the changed id only.
 */
export function wecomCorpTagChangeXml(m: {
  toCorp: string;
  id: string;
  tagType: 'tag' | 'tag_group';
  changeType: 'create' | 'update' | 'delete' | 'shuffle';
}): string {
  const time = Math.floor(Date.now() / 1000);
  return `<xml><ToUserName><![CDATA[${m.toCorp}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>${time}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_tag]]></Event><Id><![CDATA[${m.id}]]></Id><TagType><![CDATA[${m.tagType}]]></TagType><ChangeType><![CDATA[${m.changeType}]]></ChangeType></xml>`;
}

/**
 * The 客户联系 event a change of an external contact sends (change_external_contact,
 * https://developer.work.weixin.qq.com/document/path/92130): from `sys`, with the member (UserID)
 * and the contact (ExternalUserID) only.
 */
export function wecomContactChangeXml(m: {
  toCorp: string;
  changeType: 'add_external_contact' | 'edit_external_contact' | 'del_external_contact' | 'del_follow_user';
  userId: string;
  externalUserId: string;
}): string {
  const time = Math.floor(Date.now() / 1000);
  return `<xml><ToUserName><![CDATA[${m.toCorp}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>${time}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[${m.changeType}]]></ChangeType><UserID><![CDATA[${m.userId}]]></UserID><ExternalUserID><![CDATA[${m.externalUserId}]]></ExternalUserID></xml>`;
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
