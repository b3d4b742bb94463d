import { RejectedRequestError } from '../../errors.ts';
import type { PlatformCustomerTags } from '../types.ts';
import type { WechatMpApiClient, WechatResponse } from './api-client.ts';

/**
 * Official Account user tags (用户标签管理,
 * https://developers.weixin.qq.com/doc/offiaccount/User_Management/User_Tag_Management.html): tags
 * are per account and known here by name; tags/create makes a missing one, tags/members/batchtagging
 * and batchuntagging put it on or take it off a user.
 *
 * The limits are enforced before calling, so the refusal names them instead of an errcode: at most
 * 100 tags per account (else 45056), 20 tags per user (else 45059), names of at most 30 characters
 * (else 45158).
 */
export const MP_TAGS_PER_ACCOUNT = 100;
export const MP_TAGS_PER_USER = 20;
export const MP_TAG_NAME_MAX = 30;

const limit = (message: string) => new RejectedRequestError('platform_tag_limit', message, 409);

export function createMpUserTags(clientFor: (accountName: string) => WechatMpApiClient): PlatformCustomerTags {
  return {
    async apply(to, { tag, add }) {
      const client = clientFor(to.accountName);
      // tags/get is a GET: without a body the client sends one (src/lib/http-json.ts).
      const listed = await client.post<WechatResponse & { tags?: Array<{ id: number; name: string }> }>('/cgi-bin/tags/get', undefined);
      const tags = listed.tags ?? [];
      let tagId = tags.find((t) => t.name === tag)?.id;
      if (!add) {
        // Never made on the account: nobody there carries it.
        if (tagId === undefined) return;
        await client.post('/cgi-bin/tags/members/batchuntagging', { openid_list: [to.customerExternalId], tagid: tagId });
        return;
      }
      if (tagId === undefined) {
        if ([...tag].length > MP_TAG_NAME_MAX) throw limit(`Official Account tag names have at most ${MP_TAG_NAME_MAX} characters: ${tag}`);
        if (tags.length >= MP_TAGS_PER_ACCOUNT)
          throw limit(
            `the Official Account ${to.accountName} has ${tags.length} tags, its maximum of ${MP_TAGS_PER_ACCOUNT}: delete one there to add ${tag}`,
          );
        tagId = (await client.post<WechatResponse & { tag: { id: number } }>('/cgi-bin/tags/create', { tag: { name: tag } })).tag.id;
      }
      const held = await client.post<WechatResponse & { tagid_list?: number[] }>('/cgi-bin/tags/getidlist', {
        openid: to.customerExternalId,
      });
      const ids = held.tagid_list ?? [];
      if (ids.includes(tagId)) return;
      if (ids.length >= MP_TAGS_PER_USER)
        throw limit(`the user already has ${ids.length} Official Account tags, the maximum of ${MP_TAGS_PER_USER}`);
      await client.post('/cgi-bin/tags/members/batchtagging', { openid_list: [to.customerExternalId], tagid: tagId });
    },
  };
}
