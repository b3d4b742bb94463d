import type { FakeMpUserTags } from './fake-mp-user-tags.ts';
import { mpXml } from './wechat-mp-callback.ts';

/**
 * Mass sends of the fake Official Account API (src/simulator/fake-wechat-mp-api.ts), following
 * 根据标签群发消息 https://developers.weixin.qq.com/doc/service/api/notify/message/api_sendall and the
 * 群发 rules (https://developers.weixin.qq.com/doc/service/en/guide/product/message/Batch_Sends.html):
 * message/mass/sendall by tag (45065 for a clientmsgid used before, 45159 for an unknown tag,
 * 45028 past `perDay` mass sends a day when set — a 订阅号), user/tag/get for a tag's followers
 * (paged by next_openid), and the MASSSENDJOBFINISH event that WeChat posts to the callback URL when
 * the job is done, users past 4 mass messages this month being filtered out (a 服务号).
 */
type Answer = Record<string, unknown> & { errcode: number; errmsg: string };

export interface FakeMassSend {
  msgId: number;
  tagId: number;
  text: string;
  clientMsgId: string;
  /** The tag's followers when it was sent. */
  followers: string[];
}

export class FakeMpMassSends {
  readonly sent: FakeMassSend[] = [];
  /** Every sendall request, refused or not. */
  requests = 0;
  /** Mass messages each user received this month (WeChat filters out users at 4). */
  readonly received = new Map<string, number>();
  readonly monthlyLimit = 4;
  /** Set for a 订阅号: mass sends allowed a day. */
  perDay?: number;
  /** While set, sendall waits for it before answering (a request in flight). */
  hold?: Promise<void>;
  /** Followers per user/tag/get page (10,000 on the platform). */
  pageSize = 10_000;
  private readonly clientMsgIds = new Set<string>();
  private nextMsgId = 1_000_001_625;

  constructor(private readonly userTags: FakeMpUserTags) {}

  async handle(api: string, body: Record<string, unknown> | undefined): Promise<Answer | undefined> {
    if (api === 'user/tag/get') return this.tagFollowers(body);
    if (api !== 'message/mass/sendall') return undefined;
    this.requests++;
    if (this.hold) await this.hold;
    const filter = body?.filter as { is_to_all?: boolean; tag_id?: number } | undefined;
    if (filter?.is_to_all !== false || !this.userTags.tags.has(Number(filter.tag_id))) return { errcode: 45159, errmsg: 'invalid tag id' };
    if (body?.msgtype !== 'text') return { errcode: 40008, errmsg: 'invalid message type' };
    const clientMsgId = String(body.clientmsgid ?? '');
    if (clientMsgId && this.clientMsgIds.has(clientMsgId)) return { errcode: 45065, errmsg: 'clientmsgid exist' };
    if (this.perDay !== undefined && this.sent.length >= this.perDay) return { errcode: 45028, errmsg: 'has no masssend quota' };
    if (clientMsgId) this.clientMsgIds.add(clientMsgId);
    const tagId = Number(filter.tag_id);
    const mass: FakeMassSend = {
      msgId: this.nextMsgId++,
      tagId,
      text: (body.text as { content?: string } | undefined)?.content ?? '',
      clientMsgId,
      followers: this.followersOf(tagId),
    };
    this.sent.push(mass);
    return { errcode: 0, errmsg: 'send job submission success', msg_id: mass.msgId, msg_data_id: mass.msgId + 1 };
  }

  /** The users who got `msgId` (under the monthly limit), counted as received; the event WeChat then posts. */
  finishXml(msgId: number, account = 'gh_fake'): string {
    const mass = this.sent.find((m) => m.msgId === msgId);
    if (!mass) throw new Error(`no mass send ${msgId}`);
    const receiving = mass.followers.filter((openid) => (this.received.get(openid) ?? 0) < this.monthlyLimit);
    for (const openid of receiving) this.received.set(openid, (this.received.get(openid) ?? 0) + 1);
    return mpXml({
      ToUserName: account,
      FromUserName: 'oMassSendAssistant',
      CreateTime: Math.floor(Date.now() / 1000),
      MsgType: 'event',
      Event: 'MASSSENDJOBFINISH',
      MsgID: mass.msgId,
      Status: 'send success',
      TotalCount: mass.followers.length,
      FilterCount: receiving.length,
      SentCount: receiving.length,
      ErrorCount: 0,
    });
  }

  private followersOf(tagId: number): string[] {
    return [...this.userTags.users].filter(([, held]) => held.has(tagId)).map(([openid]) => openid);
  }

  private tagFollowers(body: Record<string, unknown> | undefined): Answer {
    const tagId = Number(body?.tagid);
    if (!this.userTags.tags.has(tagId)) return { errcode: 45159, errmsg: 'invalid tag id' };
    const all = this.followersOf(tagId);
    const after = String(body?.next_openid ?? '');
    const start = after ? all.indexOf(after) + 1 : 0;
    const page = all.slice(start, start + this.pageSize);
    return { errcode: 0, errmsg: 'ok', count: page.length, data: { openid: page }, next_openid: page.at(-1) ?? '' };
  }
}
