/**
 * The corp customer tag library (企业客户标签) of the fake WeCom API (src/simulator/fake-wecom-api.ts),
 * following https://developer.work.weixin.qq.com/document/path/92117: get_corp_tag_list,
 * add_corp_tag, edit_corp_tag, del_corp_tag. An app edits and deletes only the tags it created; a
 * tag of another app, or one that does not exist, answers 40068 (不合法的标签ID).
 */

interface FakeTag {
  id: string;
  name: string;
  create_time: number;
  order: number;
  deleted: boolean;
  /** The app that created it: this fake's caller, or another app / an admin in the WeCom client. */
  byCaller: boolean;
}

interface FakeGroup {
  group_id: string;
  group_name: string;
  create_time: number;
  order: number;
  deleted: boolean;
  tag: FakeTag[];
}

type Answer = Record<string, unknown> & { errcode: number; errmsg: string };

const ok = (more: Record<string, unknown> = {}): Answer => ({ errcode: 0, errmsg: 'ok', ...more });
const invalidTagId: Answer = { errcode: 40068, errmsg: 'invalid tagid' };
// 标签名 ≤ 30 characters; longer is a parameter error.
const NAME_MAX = 30;

export class FakeCorpTags {
  readonly groups: FakeGroup[] = [];
  /** Calls by path, e.g. `add_corp_tag`, to prove what a sync did and did not do. */
  readonly calls: Array<{ api: string; body: Record<string, unknown> }> = [];
  private nextId = 1;

  /** A tag created by another app or by an admin in the WeCom client: read-only to the caller. */
  addByOther(groupName: string, name: string): string {
    return this.add(groupName, name, false).id;
  }

  /** An admin renames a tag in the WeCom client. */
  renameByOther(id: string, name: string): void {
    this.find(id)!.name = name;
  }

  /** An admin deletes a tag in the WeCom client. */
  deleteByOther(id: string): void {
    this.remove(id);
  }

  /** The live (not deleted) tags' names by group name, sorted: what the WeCom client shows. */
  live(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    for (const g of this.groups)
      if (!g.deleted)
        out[g.group_name] = g.tag
          .filter((t) => !t.deleted)
          .map((t) => t.name)
          .sort();
    return out;
  }

  find(id: string): FakeTag | undefined {
    return this.groups.flatMap((g) => g.tag).find((t) => t.id === id && !t.deleted);
  }

  handle(api: string, body: Record<string, unknown>): Answer | undefined {
    switch (api) {
      case 'get_corp_tag_list':
        this.calls.push({ api, body });
        return ok({ tag_group: this.groups.map(({ tag, ...g }) => ({ ...g, tag: tag.map(({ byCaller: _, ...t }) => t) })) });
      case 'add_corp_tag': {
        this.calls.push({ api, body });
        const groupName = String(body.group_name ?? '');
        const tags = (body.tag as Array<{ name: string }> | undefined) ?? [];
        if (tags.length === 0 || tags.some((t) => [...t.name].length > NAME_MAX) || [...groupName].length > NAME_MAX)
          return { errcode: 40058, errmsg: 'invalid parameter' };
        const made = tags.map((t) => this.add(groupName, t.name, true));
        const group = this.groups.find((g) => !g.deleted && g.group_name === groupName)!;
        const { tag: _, ...g } = group;
        return ok({ tag_group: { ...g, tag: made.map(({ byCaller: __, ...t }) => t) } });
      }
      case 'edit_corp_tag': {
        this.calls.push({ api, body });
        const tag = this.find(String(body.id));
        if (!tag?.byCaller) return invalidTagId;
        if (typeof body.name === 'string') tag.name = body.name;
        return ok();
      }
      case 'del_corp_tag': {
        this.calls.push({ api, body });
        const ids = (body.tag_id as string[] | undefined) ?? [];
        if (ids.some((id) => !this.find(id)?.byCaller)) return invalidTagId;
        for (const id of ids) this.remove(id);
        return ok();
      }
      default:
        return undefined;
    }
  }

  private add(groupName: string, name: string, byCaller: boolean): FakeTag {
    const now = Math.floor(Date.now() / 1000);
    let group = this.groups.find((g) => !g.deleted && g.group_name === groupName);
    if (!group) {
      group = { group_id: `etG${this.nextId++}`, group_name: groupName, create_time: now, order: 0, deleted: false, tag: [] };
      this.groups.push(group);
    }
    // Duplicate names within a group are merged: the existing tag is the answer.
    const same = group.tag.find((t) => !t.deleted && t.name === name);
    if (same) return same;
    const tag = { id: `etT${this.nextId++}`, name, create_time: now, order: 0, deleted: false, byCaller };
    group.tag.push(tag);
    return tag;
  }

  private remove(id: string): void {
    const group = this.groups.find((g) => g.tag.some((t) => t.id === id && !t.deleted))!;
    group.tag.find((t) => t.id === id)!.deleted = true;
    // Deleting a group's last tag deletes the group.
    if (group.tag.every((t) => t.deleted)) group.deleted = true;
  }
}
