import type { FakeCorpTags } from './fake-corp-tags.ts';

/**
 * The external contacts (客户联系 客户管理) of the fake WeCom API (src/simulator/fake-wecom-api.ts):
 * - get_follow_user_list (GET, https://developer.work.weixin.qq.com/document/path/92571): the members
 *   who may have customers;
 * - get (GET ?external_userid=, https://developer.work.weixin.qq.com/document/path/92114): one contact
 *   with every member who added them (follow_user), their remark and tags; 84061 when no member has
 *   them (deleted, or never added);
 * - batch/get_by_user (POST {userid_list ≤ 100, cursor, limit ≤ 100},
 *   https://developer.work.weixin.qq.com/document/path/92994): one entry per (contact, member), paged
 *   by next_cursor;
 * - mark_tag (POST {userid, external_userid, add_tag[], remove_tag[]},
 *   https://developer.work.weixin.qq.com/document/path/92118): both empty is a parameter error; a tag
 *   the library lacks is 40068; a pair that is not a contact of that member is 84061.
 */

export interface FakeFollow {
  userid: string;
  remark: string;
  createtime: number;
  tagIds: string[];
}

export interface FakeContact {
  external_userid: string;
  name: string;
  avatar: string;
  type: 1 | 2;
  follow: FakeFollow[];
}

type Answer = Record<string, unknown> & { errcode: number; errmsg: string };
const ok = (more: Record<string, unknown> = {}): Answer => ({ errcode: 0, errmsg: 'ok', ...more });
const noRelation: Answer = { errcode: 84061, errmsg: 'not external contact' };
const invalidParameter: Answer = { errcode: 40058, errmsg: 'invalid parameter' };
/** batch/get_by_user: at most 100 members per call, at most 100 entries per page. */
const BATCH_USERS_MAX = 100;
const BATCH_LIMIT_MAX = 100;

export class FakeExternalContacts {
  readonly contacts = new Map<string, FakeContact>();
  /** Members configured for 客户联系 (get_follow_user_list), in order. */
  readonly members: string[] = [];
  /** Calls by api, e.g. `mark_tag`, to prove what kefu-hub did. */
  readonly calls: Array<{ api: string; body: Record<string, unknown> }> = [];

  constructor(private readonly corpTags: FakeCorpTags) {}

  /** A member adds a WeChat user as a customer (with corp tags already on them, ids of the tag library). */
  add(member: string, contact: { externalUserId: string; name: string; remark?: string; tagIds?: string[] }): void {
    if (!this.members.includes(member)) this.members.push(member);
    const known = this.contacts.get(contact.externalUserId) ?? {
      external_userid: contact.externalUserId,
      name: contact.name,
      avatar: `https://wework.qpic.cn/avatar/${contact.externalUserId}`,
      type: 1 as const,
      follow: [],
    };
    known.follow = known.follow.filter((f) => f.userid !== member);
    known.follow.push({
      userid: member,
      remark: contact.remark ?? '',
      createtime: Math.floor(Date.now() / 1000),
      tagIds: contact.tagIds ?? [],
    });
    this.contacts.set(contact.externalUserId, known);
  }

  /** The member deletes the customer (del_external_contact), or is deleted by them (del_follow_user). */
  remove(member: string, externalUserId: string): void {
    const known = this.contacts.get(externalUserId);
    if (known) known.follow = known.follow.filter((f) => f.userid !== member);
  }

  /** The corp tag ids a member has on a customer. */
  tagsOf(member: string, externalUserId: string): string[] {
    return this.contacts.get(externalUserId)?.follow.find((f) => f.userid === member)?.tagIds ?? [];
  }

  handleGet(api: string, query: URLSearchParams): Answer | undefined {
    switch (api) {
      case 'get_follow_user_list':
        this.calls.push({ api, body: {} });
        return ok({ follow_user: this.members });
      case 'get': {
        const id = query.get('external_userid') ?? '';
        this.calls.push({ api, body: { external_userid: id } });
        const contact = this.contacts.get(id);
        if (!contact || contact.follow.length === 0) return noRelation;
        const { follow, ...external_contact } = contact;
        return ok({ external_contact, follow_user: follow.map((f) => this.followUser(f)) });
      }
      default:
        return undefined;
    }
  }

  handlePost(api: string, body: Record<string, unknown>): Answer | undefined {
    switch (api) {
      case 'batch/get_by_user':
        this.calls.push({ api, body });
        return this.batchByUser(body);
      case 'mark_tag': {
        this.calls.push({ api, body });
        const add = (body.add_tag as string[] | undefined) ?? [];
        const remove = (body.remove_tag as string[] | undefined) ?? [];
        if (add.length === 0 && remove.length === 0) return invalidParameter;
        const follow = this.contacts.get(String(body.external_userid))?.follow.find((f) => f.userid === body.userid);
        if (!follow) return noRelation;
        if ([...add, ...remove].some((id) => !this.corpTags.find(id))) return { errcode: 40068, errmsg: 'invalid tagid' };
        follow.tagIds = [...new Set([...follow.tagIds.filter((id) => !remove.includes(id)), ...add])];
        return ok();
      }
      default:
        return undefined;
    }
  }

  private batchByUser(body: Record<string, unknown>): Answer {
    const users = (body.userid_list as string[] | undefined) ?? [];
    const limit = Number(body.limit ?? 50);
    if (users.length === 0 || users.length > BATCH_USERS_MAX || limit > BATCH_LIMIT_MAX) return invalidParameter;
    const entries = users.flatMap((userid) =>
      [...this.contacts.values()].flatMap((c) => {
        const follow = c.follow.find((f) => f.userid === userid);
        const { follow: _, ...external_contact } = c;
        return follow ? [{ external_contact, follow_info: this.followInfo(follow) }] : [];
      }),
    );
    const start = Number(body.cursor || 0);
    const page = entries.slice(start, start + limit);
    const next = start + limit < entries.length ? String(start + limit) : '';
    return ok({ external_contact_list: page, next_cursor: next });
  }

  /** get: follow_user with its tags named (type 1 企业标签). */
  private followUser(f: FakeFollow) {
    return {
      userid: f.userid,
      remark: f.remark,
      createtime: f.createtime,
      tags: f.tagIds.flatMap((id) => {
        const tag = this.corpTags.find(id);
        const group = this.corpTags.groups.find((g) => g.tag.some((t) => t.id === id));
        return tag ? [{ group_name: group?.group_name ?? '', tag_name: tag.name, tag_id: id, type: 1 }] : [];
      }),
    };
  }

  /** batch/get_by_user: follow_info with the tag ids only. */
  private followInfo(f: FakeFollow) {
    return { userid: f.userid, remark: f.remark, createtime: f.createtime, tag_id: f.tagIds };
  }
}
