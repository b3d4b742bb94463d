import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeCorpTags } from './fake-corp-tags.ts';
import { FakeExternalContacts } from './fake-external-contacts.ts';
import { FakeGroupSends } from './fake-group-sends.ts';
import { LoopbackServer } from './loopback-server.ts';

/**
 * A loopback stand-in for the WeCom server API, following the documented protocol and errcodes:
 * gettoken (https://developer.work.weixin.qq.com/document/path/91039), message/send
 * (https://developer.work.weixin.qq.com/document/path/90236) with its duplicate check, and the
 * errcodes of 全局错误码 (https://developer.work.weixin.qq.com/document/path/90313), and the corp
 * customer tags, external contacts and 企业群发 of 客户联系 (src/simulator/fake-corp-tags.ts,
 * src/simulator/fake-external-contacts.ts, src/simulator/fake-group-sends.ts). Used by the
 * tests and by `npm run simulate`; faults are injected per call.
 */

export type Fault = { errcode: number; errmsg?: string } | { httpStatus: number } | { delayMs: number } | { dropConnection: true };

export interface ReceivedText {
  touser: string;
  agentid: number;
  content: string;
  msgid: string;
  at: number;
}

export interface FakeWecomOptions {
  corpId: string;
  secret: string;
  agentId: number;
  /** When set, sends to anyone else fail with 81013 (no valid recipient). */
  knownUsers?: string[];
}

const TEXT_MAX_BYTES = 2048;

export class FakeWecomApi extends LoopbackServer {
  /**
   * Texts WeCom would have shown users, in arrival order (duplicates suppressed as WeCom does): one
   * entry per recipient, so a message to `a|b` is two entries.
   */
  readonly delivered: ReceivedText[] = [];
  /** The `touser` of every message/send WeCom accepted (and did not suppress as a duplicate), as sent. */
  readonly accepted: string[] = [];
  /** The corp customer tag library; the `failNext` faults apply to its calls too. */
  readonly corpTags = new FakeCorpTags();
  /** The external contacts of 客户联系; the `failNext` faults apply to their calls too. */
  readonly contacts = new FakeExternalContacts(this.corpTags);
  /** 企业群发 tasks to those contacts, which a test confirms as their members would. */
  readonly groupSends = new FakeGroupSends(this.contacts);
  sendRequests = 0;
  tokenFetches = 0;
  duplicatesSuppressed = 0;
  private readonly liveTokens = new Set<string>();
  private readonly expiredTokens = new Set<string>();
  private readonly faults: Fault[] = [];
  private storm?: { fault: Fault; until: number };
  private readonly recentRequests = new Map<string, number>();
  private readonly waiters: Array<() => void> = [];
  private nextMsgId = 1;

  constructor(private readonly options: FakeWecomOptions) {
    super();
  }

  /** The next `count` message/send calls meet `fault` instead of succeeding. */
  failNext(count: number, fault: Fault): void {
    for (let i = 0; i < count; i++) this.faults.push(fault);
  }

  /**
   * Every message/send call for the next `durationMs` meets `fault`, whoever it is for: a
   * platform-wide storm (rate limits, 5xx, -1 busy, slow answers) rather than a counted burst.
   */
  failFor(durationMs: number, fault: Fault): void {
    this.storm = { fault, until: Date.now() + durationMs };
  }

  /** Every token handed out so far now answers 42001, as after its 7200 s. */
  expireTokens(): void {
    for (const t of this.liveTokens) this.expiredTokens.add(t);
    this.liveTokens.clear();
  }

  /** Resolves once `count` texts have been delivered in all. */
  async waitForDelivered(count: number, timeoutMs = 30_000): Promise<ReceivedText[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.delivered.length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`expected ${count} delivered texts, got ${this.delivered.length}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, Math.min(left, 100));
      });
    }
    return this.delivered.slice(0, count);
  }

  deliveredTo(user: string): string[] {
    return this.delivered.filter((d) => d.touser === user).map((d) => d.content);
  }

  protected override async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'GET' && url.pathname === '/cgi-bin/gettoken') return this.getToken(url, res);
    if (req.method === 'POST' && url.pathname === '/cgi-bin/message/send') return this.send(url, await readBody(req), res);
    if (url.pathname.startsWith('/cgi-bin/externalcontact/')) return this.contactApi(req, url, res);
    res.statusCode = 404;
    res.end();
  }

  private getToken(url: URL, res: ServerResponse): void {
    if (url.searchParams.get('corpid') !== this.options.corpId) {
      this.json(res, { errcode: 40013, errmsg: 'invalid corpid' });
    } else if (url.searchParams.get('corpsecret') !== this.options.secret) {
      this.json(res, { errcode: 40001, errmsg: 'invalid credential' });
    } else {
      this.tokenFetches++;
      const token = `fake-token-${this.tokenFetches}-${Math.random().toString(36).slice(2)}`;
      this.liveTokens.add(token);
      this.json(res, { errcode: 0, errmsg: 'ok', access_token: token, expires_in: 7200 });
    }
  }

  /** Checks the token and applies the next fault; false when the request was answered (refused or failed). */
  private async admit(url: URL, res: ServerResponse): Promise<boolean> {
    const token = url.searchParams.get('access_token');
    if (!token) return this.refuse(res, { errcode: 41001, errmsg: 'access_token missing' });
    if (this.expiredTokens.has(token)) return this.refuse(res, { errcode: 42001, errmsg: 'access_token expired' });
    if (!this.liveTokens.has(token)) return this.refuse(res, { errcode: 40014, errmsg: 'invalid access_token' });

    const fault = this.faults.shift() ?? (this.storm && Date.now() < this.storm.until ? this.storm.fault : undefined);
    if (fault && 'delayMs' in fault) await new Promise((r) => setTimeout(r, fault.delayMs));
    else if (fault && 'dropConnection' in fault) {
      res.socket?.destroy();
      return false;
    } else if (fault && 'httpStatus' in fault) {
      res.statusCode = fault.httpStatus;
      res.end('upstream error');
      return false;
    } else if (fault) return this.refuse(res, { errcode: fault.errcode, errmsg: fault.errmsg ?? 'injected' });
    return true;
  }

  private refuse(res: ServerResponse, answer: { errcode: number; errmsg: string }): false {
    this.json(res, answer);
    return false;
  }

  private async contactApi(req: IncomingMessage, url: URL, res: ServerResponse): Promise<void> {
    const raw = req.method === 'POST' ? await readBody(req) : undefined;
    if (!(await this.admit(url, res))) return;
    const api = url.pathname.slice('/cgi-bin/externalcontact/'.length);
    if (raw === undefined) {
      const answer = this.contacts.handleGet(api, url.searchParams);
      if (answer) return this.json(res, answer);
      res.statusCode = 404;
      return void res.end();
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw);
    } catch {
      return this.json(res, { errcode: 47001, errmsg: 'data format error' });
    }
    if (api === 'add_msg_template') await this.groupSends.hold;
    const answer = this.corpTags.handle(api, body) ?? this.contacts.handlePost(api, body) ?? this.groupSends.handlePost(api, body);
    if (!answer) {
      res.statusCode = 404;
      return void res.end();
    }
    this.json(res, answer);
  }

  private async send(url: URL, raw: string, res: ServerResponse): Promise<void> {
    this.sendRequests++;
    if (!(await this.admit(url, res))) return;

    let body: {
      touser?: string;
      msgtype?: string;
      agentid?: number;
      text?: { content?: string };
      enable_duplicate_check?: number;
      duplicate_check_interval?: number;
    };
    try {
      body = JSON.parse(raw);
    } catch {
      return this.json(res, { errcode: 47001, errmsg: 'data format error' });
    }
    if (body.agentid !== this.options.agentId) return this.json(res, { errcode: 40056, errmsg: 'invalid agentid' });
    if (body.msgtype !== 'text') return this.json(res, { errcode: 40008, errmsg: 'invalid message type' });
    const content = body.text?.content ?? '';
    if (!content) return this.json(res, { errcode: 44004, errmsg: 'empty content' });
    // touser is up to 1000 UserIDs joined by `|`; unknown ones are listed in `invaliduser` and the
    // others still get the message; none valid is 81013.
    const touser = body.touser ?? '';
    const users = touser.split('|').filter(Boolean);
    const known = this.options.knownUsers;
    const valid = known ? users.filter((u) => known.includes(u)) : users;
    const invalid = users.filter((u) => !valid.includes(u));
    if (valid.length === 0) return this.json(res, { errcode: 81013, errmsg: 'user & party & tag all invalid' });
    const msgid = `msg-${this.nextMsgId++}`;
    // Duplicate check: the same request JSON within the interval is accepted but not delivered again.
    if (body.enable_duplicate_check === 1) {
      const seenAt = this.recentRequests.get(raw);
      const interval = (body.duplicate_check_interval ?? 1800) * 1000;
      if (seenAt !== undefined && Date.now() - seenAt < interval) {
        this.duplicatesSuppressed++;
        return this.json(res, { errcode: 0, errmsg: 'ok', msgid });
      }
      this.recentRequests.set(raw, Date.now());
    }
    // WeCom truncates texts over 2048 bytes; record what the user would see.
    const shown = Buffer.byteLength(content) > TEXT_MAX_BYTES ? Buffer.from(content).subarray(0, TEXT_MAX_BYTES).toString('utf8') : content;
    this.accepted.push(touser);
    for (const user of valid) this.delivered.push({ touser: user, agentid: body.agentid, content: shown, msgid, at: Date.now() });
    for (const w of this.waiters.splice(0)) w();
    this.json(res, { errcode: 0, errmsg: 'ok', msgid, ...(invalid.length > 0 && { invaliduser: invalid.join('|') }) });
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
