import { createHash } from 'node:crypto';
import { z } from 'zod';
import { storableMessage } from '../shared/storable-text.ts';
import type { InboundContent, InboundMessage } from '../types.ts';
import { kfCustomerId } from './customer-id.ts';

/**
 * One entry of kf/sync_msg's msg_list (读取消息 https://developer.work.weixin.qq.com/document/path/94670):
 * origin 3 = the WeChat customer wrote it, 4 = system event, 5 = a servicer (接待人员) wrote it in
 * the WeCom client. Servicer messages are parsed like the others, and recorded as their replies
 * (src/channels/wecom-kf/servicer-activity.ts), never fed to the bot as questions.
 *
 * The shape is checked, not trusted: an entry we cannot read must not stop the page it is on (the
 * cursor waits for every entry of a page), so it becomes an "unreadable" result instead of a throw.
 */
const mediaRef = z.object({ media_id: z.string() });
const kfSyncItem = z.object({
  msgid: z.string().min(1),
  open_kfid: z.string().optional(),
  external_userid: z.string().optional(),
  send_time: z.number().int().nonnegative(),
  origin: z.number().int(),
  servicer_userid: z.string().optional(),
  msgtype: z.string(),
  text: z.object({ content: z.string(), menu_id: z.string().optional() }).optional(),
  image: mediaRef.optional(),
  voice: mediaRef.optional(),
  video: mediaRef.optional(),
  file: mediaRef.optional(),
  location: z
    .object({ latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional() })
    .optional(),
  link: z.object({ title: z.string(), desc: z.string().optional(), url: z.string(), pic_url: z.string().optional() }).optional(),
  event: z
    .looseObject({
      event_type: z.string(),
      open_kfid: z.string().optional(),
      external_userid: z.string().optional(),
      welcome_code: z.string().optional(),
    })
    .optional(),
});
export type KfSyncItem = z.infer<typeof kfSyncItem>;

export const ORIGIN_CUSTOMER = 3;
export const ORIGIN_EVENT = 4;
export const ORIGIN_SERVICER = 5;

/** The msgtypes whose body object is required, by the name of that object. */
const BODY_OF: Record<string, keyof KfSyncItem> = {
  text: 'text',
  image: 'image',
  voice: 'voice',
  video: 'video',
  file: 'file',
  location: 'location',
  link: 'link',
  event: 'event',
};

function contentOf(item: KfSyncItem): InboundContent {
  switch (item.msgtype) {
    case 'text':
      return { type: 'text', text: item.text!.content };
    case 'image':
      return { type: 'image', mediaId: item.image!.media_id };
    case 'voice':
      return { type: 'voice', mediaId: item.voice!.media_id };
    case 'video':
      return { type: 'video', mediaId: item.video!.media_id };
    case 'file':
      return { type: 'file', mediaId: item.file!.media_id };
    case 'location': {
      const { latitude, longitude, name, address } = item.location!;
      return { type: 'location', latitude, longitude, label: name ?? address };
    }
    case 'link':
      return { type: 'link', title: item.link!.title, description: item.link!.desc, url: item.link!.url };
    case 'event': {
      const { event_type: eventType, ...rest } = item.event!;
      const detail: Record<string, string> = {};
      for (const [k, v] of Object.entries(rest)) if (typeof v === 'string' || typeof v === 'number') detail[k] = String(v);
      return { type: 'event', event: eventType, detail };
    }
    default:
      // miniprogram, msgmenu clicks as other types, channels cards…: recorded as an event the bot skips.
      return { type: 'event', event: `unsupported:${item.msgtype}` };
  }
}

/**
 * What became of one entry: a message to store; nothing (servicer messages, events without a
 * customer); or an entry we cannot read — `unreadable` says why (field and problem, never a value),
 * and `message` records it in its customer's conversation when the customer can be told.
 */
export type ParsedKfItem = { message?: InboundMessage; unreadable?: string; item?: KfSyncItem };

/** A string property of an object that may be anything. */
const stringAt = (value: unknown, key: string): string | undefined => {
  const v = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return typeof v === 'string' && v !== '' ? v : undefined;
};

function whyUnreadable(raw: unknown): { reason: string; item?: KfSyncItem } {
  const parsed = kfSyncItem.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { reason: `${issue.path.join('.') || 'item'}: ${issue.code}` };
  }
  const body = BODY_OF[parsed.data.msgtype];
  if (body && parsed.data[body] === undefined) return { reason: `${body}: missing` };
  return { reason: '', item: parsed.data };
}

export function parseKfSyncItem(raw: unknown, accountName: string): ParsedKfItem {
  const origin = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>).origin : undefined;
  if (typeof origin === 'number' && origin !== ORIGIN_CUSTOMER && origin !== ORIGIN_EVENT && origin !== ORIGIN_SERVICER) return {};
  const event = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>).event : undefined;
  const externalUserId = stringAt(raw, 'external_userid') ?? stringAt(event, 'external_userid');
  const openKfId = stringAt(raw, 'open_kfid') ?? stringAt(event, 'open_kfid');
  const { reason, item } = whyUnreadable(raw);
  if (item && (!externalUserId || !openKfId)) return {};
  if (!externalUserId || !openKfId) return { unreadable: reason };
  const msgid = stringAt(raw, 'msgid');
  const message = storableMessage({
    channel: 'wecom-kf',
    accountName,
    customerExternalId: kfCustomerId({ openKfId, externalUserId }),
    platformMessageId: msgid,
    // msgid is unique per message; a page fetched again after a crash is deduped by it. An entry
    // without one is keyed by its content, so it too is recorded once.
    dedupeKey: `msg:${msgid ?? `unreadable-${createHash('sha256').update(JSON.stringify(raw)).digest('hex').slice(0, 32)}`}`,
    sentAt: item ? new Date(item.send_time * 1000) : new Date(),
    content: item ? contentOf(item) : { type: 'event', event: 'unreadable', detail: { reason, msgtype: stringAt(raw, 'msgtype') ?? '' } },
  });
  return item ? { message, item } : { message, unreadable: reason };
}
