import { RejectedRequestError } from '../../errors.ts';
import { field, requiredField, type XmlFields } from '../shared/wx-xml.ts';
import type { InboundContent, InboundMessage } from '../types.ts';

/**
 * Official Account callbacks → InboundMessage. Fields per 接收普通消息
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_standard_messages.html
 * (voice carries Recognition when 语音识别 is on) and 接收事件推送
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Receiving_event_pushes.html
 * (subscribe with EventKey qrscene_… when by QR code, unsubscribe, SCAN, LOCATION, CLICK, VIEW).
 *
 * Dedupe keys: WeChat retries an unanswered callback 3 times within 5 s each; messages are deduped
 * by MsgId, events (no MsgId) by FromUserName + CreateTime (+ Event), as the same pages advise.
 */
function contentOf(doc: XmlFields): InboundContent {
  const type = requiredField(doc, 'MsgType');
  switch (type) {
    case 'text':
      return { type: 'text', text: field(doc, 'Content') };
    case 'image':
      return { type: 'image', mediaId: field(doc, 'MediaId') || undefined, url: field(doc, 'PicUrl') || undefined };
    case 'voice':
      return { type: 'voice', mediaId: field(doc, 'MediaId'), format: field(doc, 'Format') || undefined, recognition: field(doc, 'Recognition') || undefined };
    case 'video':
    case 'shortvideo':
      return { type: 'video', mediaId: field(doc, 'MediaId'), thumbMediaId: field(doc, 'ThumbMediaId') || undefined };
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

export function parseMpMessage(doc: XmlFields, accountName: string): InboundMessage {
  const from = requiredField(doc, 'FromUserName');
  const createTime = Number(requiredField(doc, 'CreateTime'));
  if (!Number.isFinite(createTime)) throw new RejectedRequestError('malformed_xml', 'CreateTime is not a number', 400);
  const content = contentOf(doc);
  const msgId = field(doc, 'MsgId');
  const dedupeKey = content.type === 'event' ? `evt:${from}:${createTime}:${content.event}` : `msg:${msgId || `${from}:${createTime}`}`;
  return {
    channel: 'wechat-mp',
    accountName,
    customerExternalId: from,
    platformMessageId: msgId || undefined,
    dedupeKey,
    sentAt: new Date(createTime * 1000),
    content,
  };
}
