import { RejectedRequestError } from '../../errors.ts';
import type { ChannelKind, InboundContent, InboundMessage } from '../types.ts';
import { storableMessage } from './storable-text.ts';
import { field, requiredField, type XmlFields } from './wx-xml.ts';

/**
 * Decrypted callback XML → InboundMessage, for the two platforms that share the format:
 * - WeCom self-built apps: 消息格式 https://developer.work.weixin.qq.com/document/path/90239 and
 *   事件格式 https://developer.work.weixin.qq.com/document/path/90240 ;
 * - Official Accounts: 接收普通消息
 *   https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html
 *   (voice carries Recognition when 语音识别 is on; video may be `shortvideo`) and 接收事件推送
 *   https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_event_pushes.html .
 *
 * Dedupe keys: both platforms retry an unanswered callback 3 times, 5 s apart. Messages carry
 * MsgId; events do not, so they are keyed by FromUserName + CreateTime + Event, as the docs advise.
 */
const ENVELOPE = new Set(['ToUserName', 'FromUserName', 'CreateTime', 'MsgType', 'Event', 'EventKey']);

function contentOf(doc: XmlFields): InboundContent {
  const type = requiredField(doc, 'MsgType');
  const optional = (name: string) => field(doc, name) || undefined;
  switch (type) {
    case 'text':
      return { type: 'text', text: field(doc, 'Content') };
    case 'image':
      return { type: 'image', mediaId: optional('MediaId'), url: optional('PicUrl') };
    case 'voice':
      return { type: 'voice', mediaId: field(doc, 'MediaId'), format: optional('Format'), recognition: optional('Recognition') };
    case 'video':
    case 'shortvideo':
      return { type: 'video', mediaId: field(doc, 'MediaId'), thumbMediaId: optional('ThumbMediaId') };
    case 'file':
      return { type: 'file', mediaId: optional('MediaId'), fileName: optional('FileName') };
    case 'location':
      return {
        type: 'location',
        latitude: Number(field(doc, 'Location_X')),
        longitude: Number(field(doc, 'Location_Y')),
        scale: field(doc, 'Scale') ? Number(field(doc, 'Scale')) : undefined,
        label: optional('Label'),
      };
    case 'link':
      return { type: 'link', title: field(doc, 'Title'), description: optional('Description'), url: field(doc, 'Url') };
    case 'event': {
      const detail: Record<string, string> = {};
      for (const [k, v] of Object.entries(doc)) if (typeof v === 'string' && !ENVELOPE.has(k)) detail[k] = v;
      return { type: 'event', event: requiredField(doc, 'Event'), eventKey: optional('EventKey'), detail };
    }
    default:
      throw new RejectedRequestError('unsupported_message', `MsgType ${type} is not supported`, 400);
  }
}

export function parseWxMessage(doc: XmlFields, channel: ChannelKind, accountName: string): InboundMessage {
  const from = requiredField(doc, 'FromUserName');
  const createTime = Number(requiredField(doc, 'CreateTime'));
  if (!Number.isFinite(createTime)) throw new RejectedRequestError('malformed_xml', 'CreateTime is not a number', 400);
  const content = contentOf(doc);
  const msgId = field(doc, 'MsgId');
  const dedupeKey = content.type === 'event' ? `evt:${from}:${createTime}:${content.event}` : `msg:${msgId || `${from}:${createTime}`}`;
  return storableMessage({
    channel,
    accountName,
    customerExternalId: from,
    platformMessageId: msgId || undefined,
    dedupeKey,
    sentAt: new Date(createTime * 1000),
    content,
  });
}
