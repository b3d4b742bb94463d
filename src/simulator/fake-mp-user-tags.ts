/**
 * The user tags of the fake Official Account API (src/simulator/fake-wechat-mp-api.ts), following
 * https://developers.weixin.qq.com/doc/offiaccount/User_Management/User_Tag_Management.html with
 * its errcodes: 45056 (over 100 tags), 45157 (name taken), 45158 (name too long), 45059 (a user over
 * 20 tags), 40032 (over 50 openids), 45159 (unknown tag id).
 */
type Answer = Record<string, unknown> & { errcode: number; errmsg: string };
const ok = (more: Record<string, unknown> = {}): Answer => ({ errcode: 0, errmsg: 'ok', ...more });

export class FakeMpUserTags {
  /** Tag id → name; ids 0–2 are WeChat's reserved ones (星标组 …), so ours start at 100 like the platform's. */
  readonly tags = new Map<number, string>();
  /** openid → the ids of its tags. */
  readonly users = new Map<string, Set<number>>();
  readonly calls: string[] = [];
  private nextId = 100;

  /** The names of a user's tags, sorted. */
  tagsOf(openid: string): string[] {
    return [...(this.users.get(openid) ?? [])].map((id) => this.tags.get(id)!).sort();
  }

  /** Tags made on the account by other means (the 公众平台 site), up to `count` in all. */
  fill(count: number): void {
    while (this.tags.size < count) this.tags.set(this.nextId++, `平台标签${this.nextId}`);
  }

  handle(api: string, body: Record<string, unknown> | undefined): Answer | undefined {
    if (!['get', 'create', 'getidlist', 'members/batchtagging', 'members/batchuntagging'].includes(api)) return undefined;
    this.calls.push(api);
    switch (api) {
      case 'get':
        return ok({ tags: [...this.tags].map(([id, name]) => ({ id, name, count: this.countOf(id) })) });
      case 'create': {
        const name = String((body?.tag as { name?: string } | undefined)?.name ?? '');
        if ([...name].length > 30) return { errcode: 45158, errmsg: 'tag name too long' };
        if ([...this.tags.values()].includes(name)) return { errcode: 45157, errmsg: 'invalid tag name' };
        if (this.tags.size >= 100) return { errcode: 45056, errmsg: 'too many tags now, no need to add new' };
        const id = this.nextId++;
        this.tags.set(id, name);
        return ok({ tag: { id, name } });
      }
      case 'getidlist':
        return ok({ tagid_list: [...(this.users.get(String(body?.openid)) ?? [])] });
      default: {
        const openids = (body?.openid_list as string[] | undefined) ?? [];
        const tagId = Number(body?.tagid);
        if (openids.length > 50) return { errcode: 40032, errmsg: 'invalid openid list size' };
        if (!this.tags.has(tagId)) return { errcode: 45159, errmsg: 'invalid tag id' };
        for (const openid of openids) {
          const held = this.users.get(openid) ?? new Set<number>();
          if (api === 'members/batchtagging') {
            if (!held.has(tagId) && held.size >= 20) return { errcode: 45059, errmsg: 'user tag count full' };
            held.add(tagId);
          } else held.delete(tagId);
          this.users.set(openid, held);
        }
        return ok();
      }
    }
  }

  private countOf(id: number): number {
    return [...this.users.values()].filter((held) => held.has(id)).length;
  }
}
