import type { Redis } from 'ioredis';
import { RejectedRequestError } from '../../errors.ts';
import { DeliveryError } from '../../errors.ts';
import type { WecomApiClient, WecomResponse } from '../shared/wecom-api-client.ts';
import { throttledContactApi } from './contact-api.ts';
import type { PlatformTag, PlatformTagLibrary } from '../types.ts';

/**
 * WeCom's corp customer tags (企业客户标签, https://developer.work.weixin.qq.com/document/path/92117):
 * get_corp_tag_list, add_corp_tag, edit_corp_tag, del_corp_tag. The app must be listed in 「客户联系
 * 可调用接口的应用」, and 「应用仅能编辑和删除本应用创建的标签」: an app edits and deletes only the
 * tags it created.
 */

/** 标签名 ≤ 30 characters (add_corp_tag / edit_corp_tag, doc 92117). */
export const CORP_TAG_NAME_MAX = 30;

/**
 * 40068 不合法的标签ID (https://developer.work.weixin.qq.com/document/path/90313) is what edit and
 * delete answer for a tag this app did not create, as for one that does not exist.
 */
const INVALID_TAG_ID = 40068;

interface WireTag {
  id: string;
  name: string;
  deleted?: boolean;
}
interface WireGroup {
  group_id: string;
  group_name: string;
  deleted?: boolean;
  tag: WireTag[];
}

export type CorpTagLibrary = PlatformTagLibrary & {
  /** The change_external_tag callback arrived: tells the listeners. */
  changed(): void;
};

export function createCorpTagLibrary(accountName: string, corpId: string, client: WecomApiClient, redis: Redis): CorpTagLibrary {
  const listeners: Array<() => void> = [];
  const api = throttledContactApi(corpId, client, redis);
  const call = <T extends WecomResponse>(path: string, body: unknown): Promise<T> => api.post<T>(path, body);

  async function editing<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (err instanceof DeliveryError && err.platformCode === `wecom:${INVALID_TAG_ID}`)
        throw new RejectedRequestError(
          'tag_read_only',
          `WeCom refuses to ${what}: another app created it (an app edits only the corp tags it created), or it is gone`,
          409,
        );
      throw err;
    }
  }

  const checkName = (name: string) => {
    if ([...name].length > CORP_TAG_NAME_MAX)
      throw new RejectedRequestError(
        'tag_name_too_long',
        `WeCom corp tag names have at most ${CORP_TAG_NAME_MAX} characters: ${name}`,
        400,
      );
  };

  return {
    accountName,
    onChanged: (listener) => void listeners.push(listener),
    changed: () => {
      for (const listener of listeners) listener();
    },
    async list() {
      // Both filters empty: the whole library, deleted entries flagged (doc 92117).
      const res = await call<WecomResponse & { tag_group?: WireGroup[] }>('/cgi-bin/externalcontact/get_corp_tag_list', {
        tag_id: [],
        group_id: [],
      });
      const tags: PlatformTag[] = [];
      for (const group of res.tag_group ?? []) {
        if (group.deleted) continue;
        for (const tag of group.tag)
          if (!tag.deleted) tags.push({ id: tag.id, name: tag.name, groupId: group.group_id, groupName: group.group_name });
      }
      return tags;
    },
    async create(groupName, name) {
      checkName(name);
      checkName(groupName);
      // By group_name: WeCom makes the group if it has none of that name (no empty groups exist).
      const res = await call<WecomResponse & { tag_group: { group_id: string; group_name: string; tag: WireTag[] } }>(
        '/cgi-bin/externalcontact/add_corp_tag',
        { group_name: groupName, tag: [{ name }] },
      );
      // Duplicate names in a group merge: the answer carries the existing tag.
      const tag = res.tag_group.tag.find((t) => t.name === name) ?? res.tag_group.tag[0]!;
      return { id: tag.id, name: tag.name, groupId: res.tag_group.group_id, groupName: res.tag_group.group_name };
    },
    async rename(id, name) {
      checkName(name);
      await editing(`rename tag ${id}`, () => call('/cgi-bin/externalcontact/edit_corp_tag', { id, name }));
    },
    async remove(ids) {
      if (ids.length === 0) return;
      await editing(`delete tags ${ids.join(', ')}`, () => call('/cgi-bin/externalcontact/del_corp_tag', { tag_id: ids, group_id: [] }));
    },
  };
}
