import { RejectedRequestError } from '../../errors.ts';
import { field, requiredField, type XmlFields } from '../shared/wx-xml.ts';
import type { InboundContent, InboundMessage } from '../types.ts';

/**
 * Decrypted WeCom app callbacks → InboundMessage. Field names per 接收消息与事件 / 消息格式
 * https://developer.work.weixin.qq.com/document/path/90239 and 事件格式
 * https://developer.work.weixin.qq.com/document/path/90240 .
 *
 * Dedupe keys: WeCom retries a callback it got no answer to within 5 s, three times in all
 * (https://developer.work.weixin.qq.com/document/path/90930 回调和回复的加解密方案); messages carry
 * MsgId, events do not, so events are keyed by FromUserName + CreateTime + Event.
 */
function contentOf(doc: XmlFields): InboundContent {
  const type = requiredField(doc, 'MsgType');
  switch (type) {
    case 'text':
      return { type: 'text', text: field(doc, 'Content') };
    case 'image':
      return { type: 'image', mediaId: field(doc, 'MediaId') || undefined, url: field(doc, 'PicUrl') || undefined };
    case 'voice':
      return { type: 'voice', mediaId: field(doc, 'MediaId'), format: field(doc, 'Format') || undefined };
    case 'video':
      return { type: 'video', mediaId: field(doc, 'MediaId'), thumbMediaId: field(doc, 'ThumbMediaId') || undefined };
    case 'file':
      return { type: 'file', mediaId: field(doc, 'MediaId') || undefined, fileName: field(doc, 'FileName') || undefined };
    case 'location':
      return {
        type: 'location',
        latitude: Number(field(doc, 'Location_X')),
        longitude: Number(field(doc, 'Location_Y')),
        scale: field(doc, 'Scale') ? Number(field(doc, 'Scale')) : undefined,
        label: field(doc, 'Label') || undefined,
      };
    case 'link':
      return { type: 'link', title: field(doc, 'Title'), description: field(doc, 'Description') || undefined, url: field(doc, 'Url') };
    case 'event': {
      const detail: Record<string, string> = {};
      for (const [k, v] of Object.entries(doc)) if (typeof v === 'string' && !['ToUserName', 'FromUserName', 'CreateTime', 'MsgType', 'Event', 'EventKey'].includes(k)) detail[k] = v;
      return { type: 'event', event: requiredField(doc, 'Event'), eventKey: field(doc, 'EventKey') || undefined, detail };
    }
    default:
      throw new RejectedRequestError('unsupported_message', `MsgType ${type} is not supported`, 400);
  }
}

export function parseWecomMessage(doc: XmlFields, accountName: string): InboundMessage {
  const from = requiredField(doc, 'FromUserName');
  const createTime = Number(requiredField(doc, 'CreateTime'));
  if (!Number.isFinite(createTime)) throw new RejectedRequestError('malformed_xml', 'CreateTime is not a number', 400);
  const content = contentOf(doc);
  const msgId = field(doc, 'MsgId');
  const dedupeKey = content.type === 'event' ? `evt:${from}:${createTime}:${content.event}` : `msg:${msgId || `${from}:${createTime}`}`;
  return {
    channel: 'wecom',
    accountName,
    customerExternalId: from,
    platformMessageId: msgId || undefined,
    dedupeKey,
    sentAt: new Date(createTime * 1000),
    content,
  };
}
