import type { InboundContent, InboundMessage } from '../types.ts';
import { packMediaRef } from './download-media.ts';

/**
 * The AI bot's message and event callbacks, the same JSON over the long connection (body of
 * aibot_msg_callback / aibot_event_callback, https://developer.work.weixin.qq.com/document/path/101463)
 * and, decrypted, in webhook mode (https://developer.work.weixin.qq.com/document/path/100719).
 */
export interface AibotMessage {
  msgid: string;
  aibotid?: string;
  /** Set in group chats. */
  chatid?: string;
  chattype?: 'single' | 'group';
  from?: { userid?: string };
  /** Webhook mode: one late answer, for an hour (doc 101138). */
  response_url?: string;
  msgtype: string;
  text?: { content?: string };
  voice?: { content?: string };
  image?: { url?: string; aeskey?: string };
  file?: { url?: string; aeskey?: string };
  mixed?: { msg_item?: Array<{ msgtype: string; text?: { content?: string }; image?: { url?: string } }> };
  /** A stream refresh (webhook mode): the stream our first reply opened. */
  stream?: { id?: string };
  event?: { eventtype?: string; [key: string]: unknown };
}

/**
 * Who a reply goes to. In a single chat the user; in a group the conversation is per (chat, user),
 * so the group and the asker are both kept: `group:<chatid>:<userid>`.
 */
export function customerIdOf(m: AibotMessage): string {
  const user = m.from?.userid ?? '';
  return m.chattype === 'group' && m.chatid ? `group:${m.chatid}:${user}` : user;
}

/** The chat a proactive message (aibot_send_msg) goes to: the group, or the user of a single chat. */
export function chatIdOf(customerExternalId: string): string {
  const group = /^group:([^:]+):/.exec(customerExternalId);
  return group ? group[1]! : customerExternalId;
}

/** A leading @-mention ("@RobotA hello", doc 100719's example): how a group addresses the bot. */
const MENTION = /^\s*@\S+\s*/u;

/**
 * Group messages count only when they @-mention the bot. WeCom calls back group messages only for
 * @-mentions (doc 100719, 触发消息回调交互场景), so one without is not for us, however it came.
 */
export function addressesBot(m: AibotMessage): boolean {
  if (m.chattype !== 'group') return true;
  return mentionedIn(m.text?.content) || (m.mixed?.msg_item ?? []).some((item) => mentionedIn(item.text?.content));
}

const mentionedIn = (text: string | undefined) => text !== undefined && /(^|\s)@\S/u.test(text);
const withoutMention = (text: string) => text.replace(MENTION, '').trim();

function contentOf(m: AibotMessage): InboundContent | undefined {
  switch (m.msgtype) {
    case 'text':
      return { type: 'text', text: withoutMention(m.text?.content ?? '') };
    // WeCom hands a voice message over as its recognized text (doc 100719, 语音).
    case 'voice':
      return { type: 'text', text: m.voice?.content ?? '' };
    case 'mixed': {
      const text = (m.mixed?.msg_item ?? []).map((item) => (item.msgtype === 'text' ? (item.text?.content ?? '') : '')).join('\n');
      return { type: 'text', text: withoutMention(text) };
    }
    // The URL is fetched and the bytes decrypted by the worker after the ack (download-media.ts).
    case 'image':
      return m.image?.url ? { type: 'image', mediaId: packMediaRef({ url: m.image.url, aeskey: m.image.aeskey }) } : undefined;
    case 'file':
      return m.file?.url ? { type: 'file', mediaId: packMediaRef({ url: m.file.url, aeskey: m.file.aeskey }) } : undefined;
    default:
      return undefined;
  }
}

/** A customer's message, normalized; undefined for what is not one (a group chat without @, unknown types). */
export function inboundOf(m: AibotMessage, accountName: string, now = new Date()): InboundMessage | undefined {
  if (!m.msgid || !m.from?.userid || !addressesBot(m)) return undefined;
  const content = contentOf(m);
  if (!content || (content.type === 'text' && !content.text)) return undefined;
  return {
    channel: 'wecom-aibot',
    accountName,
    customerExternalId: customerIdOf(m),
    platformMessageId: m.msgid,
    dedupeKey: m.msgid,
    sentAt: now,
    content,
  };
}
