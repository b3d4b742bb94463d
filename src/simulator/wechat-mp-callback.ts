import { createHash, randomBytes } from 'node:crypto';
import { sealForReceiver } from '../channels/shared/wxbiz-msg-crypt.ts';

/**
 * Builds Official Account callbacks exactly as WeChat sends them in each message mode (消息加解密说明
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Message_encryption_and_decryption_instructions.html):
 * plain — the XML with `signature`; compatible — the XML plus <Encrypt>, with encrypt_type=aes and
 * msg_signature added; safe — only <ToUserName> and <Encrypt>.
 */
export type MpMode = 'plain' | 'compatible' | 'safe';

export interface MpCallbackKeys {
  appId: string;
  token: string;
  encodingAesKey?: string;
}

export interface MpTextMessage {
  toUser: string;
  from: string;
  text: string;
  msgId: string;
  createTime?: number;
}

const cdata = (v: string) => `<![CDATA[${v}]]>`;

export function mpTextXml(m: MpTextMessage): string {
  const time = m.createTime ?? Math.floor(Date.now() / 1000);
  return `<xml><ToUserName>${cdata(m.toUser)}</ToUserName><FromUserName>${cdata(m.from)}</FromUserName><CreateTime>${time}</CreateTime><MsgType>${cdata('text')}</MsgType><Content>${cdata(m.text)}</Content><MsgId>${m.msgId}</MsgId></xml>`;
}

/** Any message or event: the fields in order, as <Name>value</Name>. */
export function mpXml(fields: Record<string, string | number>): string {
  return `<xml>${Object.entries(fields)
    .map(([k, v]) => `<${k}>${typeof v === 'number' ? v : cdata(v)}</${k}>`)
    .join('')}</xml>`;
}

export function mpPlainSignature(token: string, timestamp: string, nonce: string): string {
  return createHash('sha1').update([token, timestamp, nonce].sort().join('')).digest('hex');
}

export function sealMpCallback(
  keys: MpCallbackKeys,
  innerXml: string,
  mode: MpMode,
  timestamp = String(Math.floor(Date.now() / 1000)),
): { query: string; body: string } {
  const nonce = String(randomBytes(4).readUInt32BE());
  const params = new URLSearchParams({
    signature: mpPlainSignature(keys.token, timestamp, nonce),
    timestamp,
    nonce,
    openid: /<FromUserName><!\[CDATA\[([^\]]*)/.exec(innerXml)?.[1] ?? '',
  });
  if (mode === 'plain') return { query: params.toString(), body: innerXml };
  if (!keys.encodingAesKey) throw new Error(`${mode} mode needs an EncodingAESKey`);
  const { encrypted, msgSignature } = sealForReceiver(
    { token: keys.token, encodingAesKey: keys.encodingAesKey, receiveId: keys.appId },
    innerXml,
    timestamp,
    nonce,
  );
  params.set('encrypt_type', 'aes');
  params.set('msg_signature', msgSignature);
  const body =
    mode === 'safe'
      ? `<xml><ToUserName>${cdata(/<ToUserName><!\[CDATA\[([^\]]*)/.exec(innerXml)?.[1] ?? '')}</ToUserName><Encrypt>${cdata(encrypted)}</Encrypt></xml>`
      : innerXml.replace('</xml>', `<Encrypt>${cdata(encrypted)}</Encrypt></xml>`);
  return { query: params.toString(), body };
}
