import type { InboundContent, InboundMessage } from '../types.ts';
import { kfCustomerId } from './customer-id.ts';

/**
 * One entry of kf/sync_msg's msg_list (读取消息 https://developer.work.weixin.qq.com/document/path/94670):
 * origin 3 = the WeChat customer wrote it, 4 = system event, 5 = a servicer (接待人员) wrote it in
 * WeCom. Servicer messages are WeCom's own agents at work and are not fed to the bot.
 */
export interface KfSyncItem {
  msgid: string;
  open_kfid: string;
  external_userid?: string;
  send_time: number;
  origin: number;
  servicer_userid?: string;
  msgtype: string;
  text?: { content: string; menu_id?: string };
  image?: { media_id: string };
  voice?: { media_id: string };
  video?: { media_id: string };
  file?: { media_id: string };
  location?: { latitude: number; longitude: number; name?: string; address?: string };
  link?: { title: string; desc?: string; url: string; pic_url?: string };
  event?: {
    event_type: string;
    open_kfid?: string;
    external_userid?: string;
    welcome_code?: string;
    scene?: string;
    scene_param?: string;
  } & Record<string, unknown>;
}

export const ORIGIN_CUSTOMER = 3;
export const ORIGIN_EVENT = 4;

function contentOf(item: KfSyncItem): InboundContent | undefined {
  switch (item.msgtype) {
    case 'text':
      return { type: 'text', text: item.text?.content ?? '' };
    case 'image':
      return { type: 'image', mediaId: item.image?.media_id };
    case 'voice':
      return { type: 'voice', mediaId: item.voice?.media_id ?? '' };
    case 'video':
      return { type: 'video', mediaId: item.video?.media_id ?? '' };
    case 'file':
      return { type: 'file', mediaId: item.file?.media_id };
    case 'location':
      return {
        type: 'location',
        latitude: Number(item.location?.latitude),
        longitude: Number(item.location?.longitude),
        label: item.location?.name ?? item.location?.address,
      };
    case 'link':
      return { type: 'link', title: item.link?.title ?? '', description: item.link?.desc, url: item.link?.url ?? '' };
    case 'event': {
      const { event_type: eventType, ...rest } = item.event ?? { event_type: 'unknown' };
      const detail: Record<string, string> = {};
      for (const [k, v] of Object.entries(rest)) if (typeof v === 'string' || typeof v === 'number') detail[k] = String(v);
      return { type: 'event', event: eventType, detail };
    }
    default:
      // miniprogram, msgmenu clicks as other types, channels cards…: recorded as an event the bot skips.
      return { type: 'event', event: `unsupported:${item.msgtype}` };
  }
}

/** The normalized message, or undefined for entries the pipeline does not take (servicer messages, events without a customer). */
export function parseKfSyncItem(item: KfSyncItem, accountName: string): InboundMessage | undefined {
  if (item.origin !== ORIGIN_CUSTOMER && item.origin !== ORIGIN_EVENT) return undefined;
  const externalUserId = item.external_userid || item.event?.external_userid;
  const openKfId = item.open_kfid || item.event?.open_kfid;
  if (!externalUserId || !openKfId) return undefined;
  const content = contentOf(item);
  if (!content) return undefined;
  return {
    channel: 'wecom-kf',
    accountName,
    customerExternalId: kfCustomerId({ openKfId, externalUserId }),
    platformMessageId: item.msgid,
    // msgid is unique per message; a page fetched again after a crash is deduped by it.
    dedupeKey: `msg:${item.msgid}`,
    sentAt: new Date(item.send_time * 1000),
    content,
  };
}
