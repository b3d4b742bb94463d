import { DeliveryError, RejectedRequestError } from '../../errors.ts';
import type { WecomResponse } from '../shared/wecom-api-client.ts';
import type { PlatformContact, PlatformContacts, PlatformCustomerTags } from '../types.ts';
import type { ContactApi } from './contact-api.ts';

/**
 * WeCom's external contacts (客户联系 客户管理) of the corp, through the throttled contact API
 * (src/channels/wecom/contact-api.ts):
 * - externalcontact/get (GET, https://developer.work.weixin.qq.com/document/path/92114): one contact
 *   and every member following them (follow_user: userid, remark, createtime, tags with tag_id and
 *   type 1 企业标签 / 2 个人标签 / 3 规则组标签), paged by next_cursor past 500 members;
 * - get_follow_user_list (GET, https://developer.work.weixin.qq.com/document/path/92571);
 * - batch/get_by_user (POST, https://developer.work.weixin.qq.com/document/path/92994): userid_list
 *   ≤ 100 members, limit ≤ 100 entries, one entry per (contact, member), paged by next_cursor;
 * - mark_tag (POST, https://developer.work.weixin.qq.com/document/path/92118): corp tags on the
 *   (member, contact) pair; 「应用只能编辑可见范围内的成员添加的企业客户标签」, and a 规则组 tag only
 *   when the same app created the group.
 */

/** batch/get_by_user takes at most 100 members and answers at most 100 entries a page (doc 92994). */
const MEMBERS_PER_PAGE = 100;
const PAGE_LIMIT = 100;

/** 84061 不存在外部联系人的关系, 40096 不合法的外部联系人userid (全局错误码, https://developer.work.weixin.qq.com/document/path/90313). */
const NOT_A_CONTACT = new Set(['wecom:84061', 'wecom:40096']);
/** 40068 不合法的标签ID: the tag is gone, or a 规则组 tag of another app's group. */
const INVALID_TAG_ID = 'wecom:40068';
/** 60011 指定的成员/部门/标签参数无权限: the member is outside the app's visible range. */
const OUT_OF_RANGE = 'wecom:60011';

interface WireFollowUser {
  userid: string;
  remark?: string;
  createtime?: number;
  tags?: Array<{ tag_id?: string; type?: number }>;
  tag_id?: string[];
}
interface WireContact {
  external_userid: string;
  name?: string;
  avatar?: string;
}

export type WecomContacts = PlatformContacts & {
  /** The change_external_contact callback arrived: tells the listeners, and fails if one does. */
  changed(externalUserId: string): Promise<void>;
};

const codeOf = (err: unknown) => (err instanceof DeliveryError ? err.platformCode : undefined);

function follow(f: WireFollowUser) {
  // Corp tags only (type 1; batch/get_by_user lists their ids in tag_id): personal tags have no id to sync.
  const tagIds = f.tag_id ?? (f.tags ?? []).filter((t) => t.type === 1 && t.tag_id).map((t) => t.tag_id!);
  return { userId: f.userid, remark: f.remark ?? '', addedAt: new Date((f.createtime ?? 0) * 1000), tagIds };
}

function contact(c: WireContact, follows: WireFollowUser[]): PlatformContact {
  return { externalUserId: c.external_userid, name: c.name ?? '', ...(c.avatar && { avatar: c.avatar }), follows: follows.map(follow) };
}

export function createWecomContacts(accountName: string, api: ContactApi): WecomContacts {
  const listeners: Array<(externalUserId: string) => Promise<void>> = [];
  return {
    accountName,
    membersPerPage: MEMBERS_PER_PAGE,
    onChanged: (listener) => void listeners.push(listener),
    async changed(externalUserId) {
      for (const listener of listeners) await listener(externalUserId);
    },
    async fetch(externalUserId) {
      let found: WireContact | undefined;
      const follows: WireFollowUser[] = [];
      let cursor = '';
      do {
        type Answer = WecomResponse & { external_contact: WireContact; follow_user?: WireFollowUser[]; next_cursor?: string };
        let res: Answer;
        try {
          res = await api.get<Answer>('/cgi-bin/externalcontact/get', { external_userid: externalUserId, ...(cursor && { cursor }) });
        } catch (err) {
          if (NOT_A_CONTACT.has(codeOf(err) ?? '')) return null;
          throw err;
        }
        found = res.external_contact;
        follows.push(...(res.follow_user ?? []));
        cursor = res.next_cursor ?? '';
      } while (cursor);
      return follows.length > 0 ? contact(found, follows) : null;
    },
    async members() {
      const res = await api.get<WecomResponse & { follow_user?: string[] }>('/cgi-bin/externalcontact/get_follow_user_list', {});
      return [...(res.follow_user ?? [])].sort();
    },
    async page(memberIds, cursor) {
      const res = await api.post<
        WecomResponse & {
          external_contact_list?: Array<{ external_contact: WireContact; follow_info: WireFollowUser }>;
          next_cursor?: string;
        }
      >('/cgi-bin/externalcontact/batch/get_by_user', { userid_list: memberIds, cursor, limit: PAGE_LIMIT });
      return {
        contacts: (res.external_contact_list ?? []).map((e) => contact(e.external_contact, [e.follow_info])),
        nextCursor: res.next_cursor ?? '',
      };
    },
  };
}

/**
 * Tags put on or taken off an external contact here go to WeCom with mark_tag, for the member who
 * follows them (the one who has the tag when removing it, else the first). Only tags linked to a corp
 * tag can go; a contact nobody follows any more, a tag WeCom refuses (another app's 规则组 tag, or
 * deleted) and a member outside the app's range are refused with a RejectedRequestError: the push
 * records the reason and goes on (src/audience/push-customer-tags.ts). Marking what is already so
 * changes nothing on WeCom, so a change sent again is harmless.
 */
export function createWecomContactTags(contacts: PlatformContacts, api: ContactApi): PlatformCustomerTags {
  return {
    async apply(to, { tag, add, platformTagId }) {
      if (platformTagId === null) return;
      const found = await contacts.fetch(to.customerExternalId);
      if (!found) throw new RejectedRequestError('not_external_contact', `no member follows ${to.customerExternalId} on WeCom`, 409);
      const holder = found.follows.find((f) => f.tagIds.includes(platformTagId));
      if (add ? holder : !holder) return;
      const member = (holder ?? found.follows[0])!.userId;
      try {
        await api.post('/cgi-bin/externalcontact/mark_tag', {
          userid: member,
          external_userid: to.customerExternalId,
          add_tag: add ? [platformTagId] : [],
          remove_tag: add ? [] : [platformTagId],
        });
      } catch (err) {
        const code = codeOf(err);
        if (code === INVALID_TAG_ID)
          throw new RejectedRequestError(
            'tag_read_only',
            `WeCom refuses the corp tag ${tag}: another app's rule-group tag, or deleted`,
            409,
          );
        if (code === OUT_OF_RANGE)
          throw new RejectedRequestError('member_out_of_range', `the member ${member} is outside the app's visible range`, 409);
        if (NOT_A_CONTACT.has(code ?? ''))
          throw new RejectedRequestError('not_external_contact', `${member} no longer follows ${to.customerExternalId}`, 409);
        throw err;
      }
    },
  };
}
