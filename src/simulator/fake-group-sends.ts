import type { FakeExternalContacts } from './fake-external-contacts.ts';

/**
 * 企业群发 of the fake WeCom API (src/simulator/fake-wecom-api.ts):
 * - add_msg_template (https://developer.work.weixin.qq.com/document/path/92135): a task for the
 *   sender; contacts the sender does not follow are in fail_list; nothing is sent until the member
 *   confirms (`confirm`), and then each contact over the monthly limit gets status 3 instead of 1.
 * - get_groupmsg_send_result (https://developer.work.weixin.qq.com/document/path/93338): the send_list
 *   of one member's task, paged by cursor.
 */
interface FakeTask {
  msgid: string;
  sender: string;
  text: string;
  list: Array<{ external_userid: string; status: 0 | 1 | 2 | 3; send_time?: number }>;
}

type Answer = Record<string, unknown> & { errcode: number; errmsg: string };
const invalidParameter: Answer = { errcode: 40058, errmsg: 'invalid parameter' };

export class FakeGroupSends {
  readonly tasks: FakeTask[] = [];
  /** Group messages a customer may receive a month: the month's days by default (doc 92135). */
  monthlyLimit = 31;
  /** Group messages each customer received this month, by external_userid. */
  readonly received = new Map<string, number>();
  /** While set, add_msg_template calls wait for it before WeCom answers (a request in flight when a worker dies). */
  hold?: Promise<void>;
  private nextId = 1;

  constructor(private readonly contacts: FakeExternalContacts) {}

  /** The member confirms their task in the WeCom client: WeCom sends it, within the monthly limit. */
  confirm(msgid: string): void {
    const task = this.tasks.find((t) => t.msgid === msgid)!;
    for (const entry of task.list) {
      if (entry.status !== 0) continue;
      const count = this.received.get(entry.external_userid) ?? 0;
      if (count >= this.monthlyLimit) {
        entry.status = 3;
        continue;
      }
      this.received.set(entry.external_userid, count + 1);
      entry.status = 1;
      entry.send_time = Math.floor(Date.now() / 1000);
    }
  }

  handlePost(api: string, body: Record<string, unknown>): Answer | undefined {
    switch (api) {
      case 'add_msg_template': {
        const ids = (body.external_userid as string[] | undefined) ?? [];
        const sender = String(body.sender ?? '');
        if (body.chat_type !== 'single' || ids.length === 0 || !sender) return invalidParameter;
        const followed = (id: string) => this.contacts.contacts.get(id)?.follow.some((f) => f.userid === sender) ?? false;
        const msgid = `msgGROUP${this.nextId++}`;
        const text = String((body.text as { content?: string } | undefined)?.content ?? '');
        this.tasks.push({ msgid, sender, text, list: ids.filter(followed).map((id) => ({ external_userid: id, status: 0 })) });
        return { errcode: 0, errmsg: 'ok', msgid, fail_list: ids.filter((id) => !followed(id)) };
      }
      case 'get_groupmsg_send_result': {
        const task = this.tasks.find((t) => t.msgid === body.msgid && t.sender === body.userid);
        if (!task) return invalidParameter;
        const limit = Math.min(Number(body.limit ?? 500), 1000);
        const start = Number(body.cursor || 0);
        const page = task.list.slice(start, start + limit).map((e) => ({ ...e, userid: task.sender }));
        return { errcode: 0, errmsg: 'ok', send_list: page, next_cursor: start + limit < task.list.length ? String(start + limit) : '' };
      }
      default:
        return undefined;
    }
  }
}
