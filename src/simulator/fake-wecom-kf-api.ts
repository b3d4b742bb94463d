import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoopbackServer } from './loopback-server.ts';
import { sealForReceiver } from '../channels/shared/wxbiz-msg-crypt.ts';
import { FakeKfSessions } from './fake-kf-sessions.ts';

/**
 * A loopback stand-in for WeCom Customer Service (微信客服), following the documented protocol:
 * gettoken (https://developer.work.weixin.qq.com/document/path/91039); kf/sync_msg
 * (https://developer.work.weixin.qq.com/document/path/94670) with opaque cursors, `limit` pages,
 * has_more — including empty pages with has_more = 1 — and the callback Token; kf/send_msg
 * (https://developer.work.weixin.qq.com/document/path/94677, msgid unique per kf account, only in
 * session states 0/1); kf/send_msg_on_event (https://developer.work.weixin.qq.com/document/path/95122,
 * welcome_code single use, 20 s); kf/service_state/get|trans
 * (https://developer.work.weixin.qq.com/document/path/94669: the state table, 95014 for a servicer
 * not on duty, 95016 for a move the table forbids, a msg_code on entering 2, 3 or 4);
 * kf/servicer/list (https://developer.work.weixin.qq.com/document/path/94645); kf/customer/batchget
 * (https://developer.work.weixin.qq.com/document/path/95159). send_msg keeps the 5-messages-per-
 * customer-message quota of doc 94677 (95018 beyond it). Servicers at work in the WeCom client
 * appear in sync_msg as origin-5 messages and session_status_change events. It also sends the
 * kf_msg_or_event callback itself, encrypted as WeCom does. Used by the tests and by `npm run simulate`.
 */

export type KfFault = { errcode: number; errmsg?: string } | { httpStatus: number };

export interface FakeWecomKfOptions {
  corpId: string;
  secret: string;
  /** Callback crypto, to seal kf_msg_or_event callbacks for the service. */
  callbackToken: string;
  encodingAesKey: string;
}

export interface KfSentText {
  touser: string;
  openKfId: string;
  content: string;
  msgid: string;
}

/** The errcode this fake answers for a repeated msgid; the doc only says "接口返回错误". */
export const FAKE_DUPLICATE_MSGID_ERRCODE = 95000;

interface LogItem {
  [key: string]: unknown;
  msgid: string;
}

export class FakeWecomKfApi extends LoopbackServer {
  readonly delivered: KfSentText[] = [];
  readonly welcomes: Array<{ code: string; content: string }> = [];
  readonly syncCalls: Array<{ cursor?: string; token?: string; openKfId: string; returned: number; hasMore: number }> = [];
  /** Service states, servicers and send quotas per session. */
  private readonly sessions = new FakeKfSessions();
  readonly transfers = this.sessions.transfers;
  tokenFetches = 0;
  batchGets = 0;
  /** Page size cap regardless of the caller's limit, to force pagination in tests. */
  pageSize = 1000;
  private liveTokens = new Set<string>();
  private expired = new Set<string>();
  private readonly faults: KfFault[] = [];
  private readonly logs = new Map<string, LogItem[]>();
  private readonly msgTokens = new Set<string>();
  private readonly welcomeCodes = new Map<string, number>();
  private readonly usedMsgIds = new Set<string>();
  private emptyPages = 0;
  private nextId = 1;

  constructor(private readonly options: FakeWecomKfOptions) {
    super();
  }

  /** The next `count` kf API calls (not gettoken) meet `fault`. */
  failNext(count: number, fault: KfFault): void {
    for (let i = 0; i < count; i++) this.faults.push(fault);
  }

  expireTokens(): void {
    for (const t of this.liveTokens) this.expired.add(t);
    this.liveTokens.clear();
  }

  /** The next `count` sync_msg calls return no messages, has_more = 1 and an unchanged position. */
  injectEmptyPages(count: number): void {
    this.emptyPages += count;
  }

  /** A customer writes to a kf account; returns the msgid. An ended session starts again (state 0). */
  customerSays(openKfId: string, externalUserId: string, text: string): string {
    const msgid = `kfmsg${this.nextId++}`;
    const key = `${openKfId}/${externalUserId}`;
    this.sessions.customerWrote(key);
    this.append(openKfId, {
      msgid,
      open_kfid: openKfId,
      external_userid: externalUserId,
      send_time: Math.floor(Date.now() / 1000),
      origin: 3,
      msgtype: 'text',
      text: { content: text },
    });
    return msgid;
  }

  /** The customer opens the chat: an enter_session event with a fresh welcome_code (valid 20 s). */
  customerEnters(openKfId: string, externalUserId: string): string {
    const code = `welcome${this.nextId++}`;
    this.welcomeCodes.set(code, Date.now() + 20_000);
    this.append(openKfId, {
      msgid: `kfevt${this.nextId++}`,
      send_time: Math.floor(Date.now() / 1000),
      origin: 4,
      msgtype: 'event',
      event: { event_type: 'enter_session', open_kfid: openKfId, external_userid: externalUserId, scene: 'qr', welcome_code: code },
    });
    return code;
  }

  /** The kf account's receptionists (kf/servicer/list): status 0 on duty, 1 stopped. */
  setServicers(openKfId: string, servicers: Array<{ userid: string; status: 0 | 1 }>): void {
    this.sessions.setServicers(openKfId, servicers);
  }

  /** A servicer types a reply in the WeCom client: WeCom delivers it and lists it as origin 5. */
  servicerSays(openKfId: string, externalUserId: string, servicerUserId: string, text: string): string {
    const msgid = `kfsrv${this.nextId++}`;
    this.append(openKfId, {
      msgid,
      open_kfid: openKfId,
      external_userid: externalUserId,
      send_time: Math.floor(Date.now() / 1000),
      origin: 5,
      servicer_userid: servicerUserId,
      msgtype: 'text',
      text: { content: text },
    });
    return msgid;
  }

  /**
   * A servicer acts on the session in the WeCom client: 1 picks it up from the queue, 2 transfers it
   * to `newServicer`, 3 ends it (state 4), 4 rejoins it. Listed as a session_status_change event.
   */
  servicerChangesSession(
    openKfId: string,
    externalUserId: string,
    changeType: 1 | 2 | 3 | 4,
    oldServicer?: string,
    newServicer?: string,
  ): void {
    const key = `${openKfId}/${externalUserId}`;
    this.sessions.servicerSets(key, changeType === 3, newServicer);
    this.append(openKfId, {
      msgid: `kfevt${this.nextId++}`,
      send_time: Math.floor(Date.now() / 1000),
      origin: 4,
      msgtype: 'event',
      event: {
        event_type: 'session_status_change',
        open_kfid: openKfId,
        external_userid: externalUserId,
        change_type: changeType,
        ...(changeType !== 1 && oldServicer && { old_servicer_userid: oldServicer }),
        ...(changeType !== 3 && newServicer && { new_servicer_userid: newServicer }),
        ...((changeType === 1 || changeType === 3) && { msg_code: `code${this.nextId++}` }),
      },
    });
  }

  /** Puts an entry into the account's log exactly as given, however malformed: what WeCom might send one day. */
  appendRawEntry(openKfId: string, entry: unknown): void {
    this.append(openKfId, entry as LogItem);
  }

  serviceState(openKfId: string, externalUserId: string): number {
    return this.sessions.state(`${openKfId}/${externalUserId}`).state;
  }

  deliveredTo(externalUserId: string): string[] {
    return this.delivered.filter((d) => d.touser === externalUserId).map((d) => d.content);
  }

  async waitFor(predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline)
        throw new Error(`fake WeCom kf: condition not met within ${timeoutMs} ms (delivered: ${JSON.stringify(this.delivered)})`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Sends kf_msg_or_event to the service's callback URL, as WeCom does after new messages. */
  async notify(callbackUrl: string, openKfId: string): Promise<Response> {
    const { query, body } = this.sealNotification(openKfId);
    return fetch(`${callbackUrl}?${query}`, { method: 'POST', body, headers: { 'content-type': 'text/xml' } });
  }

  /** The signed, encrypted kf_msg_or_event callback for `openKfId`, with a sync token this fake honours. */
  sealNotification(openKfId: string): { query: string; body: string } {
    const token = `ENC${randomBytes(12).toString('hex')}`;
    this.msgTokens.add(token);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(6).toString('hex');
    const inner = `<xml><ToUserName><![CDATA[${this.options.corpId}]]></ToUserName><CreateTime>${timestamp}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[kf_msg_or_event]]></Event><Token><![CDATA[${token}]]></Token><OpenKfId><![CDATA[${openKfId}]]></OpenKfId></xml>`;
    const keys = { token: this.options.callbackToken, encodingAesKey: this.options.encodingAesKey, receiveId: this.options.corpId };
    const { encrypted, msgSignature } = sealForReceiver(keys, inner, timestamp, nonce);
    const body = `<xml><ToUserName><![CDATA[${this.options.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypted}]]></Encrypt><AgentID><![CDATA[]]></AgentID></xml>`;
    return { query: new URLSearchParams({ msg_signature: msgSignature, timestamp, nonce }).toString(), body };
  }

  /** Any sync_msg item, as given: what WeCom could send that a parser did not expect. */
  appendItem(openKfId: string, item: Record<string, unknown>): void {
    this.append(openKfId, { msgid: `kfraw${this.nextId++}`, ...item });
  }

  private append(openKfId: string, item: LogItem): void {
    const log = this.logs.get(openKfId) ?? [];
    log.push(item);
    this.logs.set(openKfId, log);
  }

  protected override async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'GET' && url.pathname === '/cgi-bin/gettoken') return this.getToken(url, res);
    if (req.method === 'GET' && url.pathname === '/cgi-bin/kf/servicer/list') return this.servicerList(url, res);
    if (req.method !== 'POST' || !url.pathname.startsWith('/cgi-bin/kf/')) {
      res.statusCode = 404;
      return void res.end();
    }
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const token = url.searchParams.get('access_token') ?? '';
    if (this.expired.has(token)) return this.json(res, { errcode: 42001, errmsg: 'access_token expired' });
    if (!this.liveTokens.has(token)) return this.json(res, { errcode: 40014, errmsg: 'invalid access_token' });
    const fault = this.faults.shift();
    if (fault && 'httpStatus' in fault) {
      res.statusCode = fault.httpStatus;
      return void res.end('upstream error');
    }
    if (fault) return this.json(res, { errcode: fault.errcode, errmsg: fault.errmsg ?? 'injected' });
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      return this.json(res, { errcode: 47001, errmsg: 'data format error' });
    }
    switch (url.pathname) {
      case '/cgi-bin/kf/sync_msg':
        return this.json(res, this.syncMsg(body));
      case '/cgi-bin/kf/send_msg':
        return this.json(res, this.sendMsg(body));
      case '/cgi-bin/kf/send_msg_on_event':
        return this.json(res, this.sendOnEvent(body));
      case '/cgi-bin/kf/service_state/get': {
        const s = this.sessions.state(`${String(body.open_kfid)}/${String(body.external_userid)}`);
        return this.json(res, { errcode: 0, errmsg: 'ok', service_state: s.state, servicer_userid: s.servicer ?? '' });
      }
      case '/cgi-bin/kf/service_state/trans':
        return this.json(res, this.trans(body));
      case '/cgi-bin/kf/customer/batchget': {
        this.batchGets++;
        const ids = (body.external_userid_list as string[] | undefined) ?? [];
        return this.json(res, {
          errcode: 0,
          errmsg: 'ok',
          customer_list: ids.map((id) => ({
            external_userid: id,
            nickname: `客户${id}`,
            avatar: `https://example.invalid/${id}.png`,
            gender: 0,
            unionid: `union-${id}`,
          })),
          invalid_external_userid: [],
        });
      }
      default:
        res.statusCode = 404;
        res.end();
    }
  }

  private servicerList(url: URL, res: ServerResponse) {
    const token = url.searchParams.get('access_token') ?? '';
    if (this.expired.has(token)) return this.json(res, { errcode: 42001, errmsg: 'access_token expired' });
    if (!this.liveTokens.has(token)) return this.json(res, { errcode: 40014, errmsg: 'invalid access_token' });
    this.json(res, { errcode: 0, errmsg: 'ok', servicer_list: this.sessions.servicerList(url.searchParams.get('open_kfid') ?? '') });
  }

  private getToken(url: URL, res: ServerResponse) {
    if (url.searchParams.get('corpid') !== this.options.corpId) return this.json(res, { errcode: 40013, errmsg: 'invalid corpid' });
    if (url.searchParams.get('corpsecret') !== this.options.secret) return this.json(res, { errcode: 40001, errmsg: 'invalid credential' });
    this.tokenFetches++;
    const token = `kf-token-${this.tokenFetches}-${Math.random().toString(36).slice(2)}`;
    this.liveTokens.add(token);
    this.json(res, { errcode: 0, errmsg: 'ok', access_token: token, expires_in: 7200 });
  }

  /** Cursors are opaque to the caller; here they encode a position in the account's log. */
  private syncMsg(body: Record<string, unknown>) {
    const openKfId = String(body.open_kfid ?? '');
    const token = typeof body.token === 'string' ? body.token : undefined;
    if (token && !this.msgTokens.has(token)) return { errcode: 95007, errmsg: 'invalid msg token' };
    const cursor = typeof body.cursor === 'string' && body.cursor ? body.cursor : undefined;
    let position = 0;
    if (cursor) {
      const decoded = /^pos:(\d+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
      if (!decoded) return { errcode: 95001, errmsg: 'invalid cursor' };
      position = Number(decoded[1]);
    }
    const encode = (p: number) => Buffer.from(`pos:${p}`).toString('base64url');
    const log = this.logs.get(openKfId) ?? [];
    if (this.emptyPages > 0) {
      this.emptyPages--;
      this.syncCalls.push({ cursor, token, openKfId, returned: 0, hasMore: 1 });
      return { errcode: 0, errmsg: 'ok', next_cursor: encode(position), has_more: 1, msg_list: [] };
    }
    const limit = Math.min(Number(body.limit ?? 1000) || 1000, 1000, this.pageSize);
    const page = log.slice(position, position + limit);
    const next = position + page.length;
    const hasMore = next < log.length ? 1 : 0;
    this.syncCalls.push({ cursor, token, openKfId, returned: page.length, hasMore });
    return { errcode: 0, errmsg: 'ok', next_cursor: encode(next), has_more: hasMore, msg_list: page };
  }

  private sendMsg(body: Record<string, unknown>) {
    const openKfId = String(body.open_kfid ?? '');
    const touser = String(body.touser ?? '');
    const key = `${openKfId}/${touser}`;
    const refused = this.sessions.refuseSend(key);
    if (refused) return refused;
    const content = (body.text as { content?: string } | undefined)?.content ?? '';
    if (body.msgtype !== 'text' || !content) return { errcode: 44004, errmsg: 'empty content' };
    let msgid = typeof body.msgid === 'string' ? body.msgid : '';
    if (msgid) {
      if (msgid.length > 32 || !/^[0-9a-zA-Z_-]*$/.test(msgid)) return { errcode: 40058, errmsg: 'invalid msgid' };
      if (this.usedMsgIds.has(`${openKfId}:${msgid}`)) return { errcode: FAKE_DUPLICATE_MSGID_ERRCODE, errmsg: 'msgid duplicated' };
    } else msgid = `auto${this.nextId++}`;
    this.usedMsgIds.add(`${openKfId}:${msgid}`);
    this.sessions.sent(key);
    this.delivered.push({ touser, openKfId, content, msgid });
    return { errcode: 0, errmsg: 'ok', msgid };
  }

  private sendOnEvent(body: Record<string, unknown>) {
    const code = String(body.code ?? '');
    const validUntil = this.welcomeCodes.get(code);
    if (validUntil === undefined || validUntil < Date.now()) return { errcode: 95003, errmsg: 'invalid or expired code' };
    this.welcomeCodes.delete(code);
    this.welcomes.push({ code, content: (body.text as { content?: string } | undefined)?.content ?? '' });
    return { errcode: 0, errmsg: 'ok', msgid: `evtmsg${this.nextId++}` };
  }

  private trans(body: Record<string, unknown>) {
    return this.sessions.trans(body, () => `code${this.nextId++}`);
  }
}
