import type { IncomingMessage, ServerResponse } from 'node:http';
import { FakeMpMassSends } from './fake-mp-mass-sends.ts';
import { FakeMpUserTags } from './fake-mp-user-tags.ts';
import { LoopbackServer } from './loopback-server.ts';

/**
 * A loopback stand-in for the Official Account server API, following the documented protocol and
 * errcodes: stable_token (https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/getStableAccessToken.html),
 * custom/send and custom/typing (https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Service_Center_messages.html)
 * with 45015 for users outside the 48-hour window and 45047 past the 5 messages a user's message
 * allows (客服消息下发规则 https://developers.weixin.qq.com/doc/offiaccount/Customer_Service/Customer_Service_Messages.html), media/get
 * (https://developers.weixin.qq.com/doc/offiaccount/Asset_Management/Get_temporary_materials.html),
 * user tags and mass sends by tag (fake-mp-user-tags.ts, fake-mp-mass-sends.ts) and the errcodes of
 * 全局返回码. Used by the tests and by `npm run simulate`; faults are injected per call.
 */

export type MpFault = { errcode: number; errmsg?: string } | { httpStatus: number } | { delayMs: number };

export interface MpSentText {
  touser: string;
  content: string;
  at: number;
}

export interface FakeWechatMpOptions {
  appId: string;
  appSecret: string;
}

export class FakeWechatMpApi extends LoopbackServer {
  /** Texts WeChat would have shown users, in arrival order. */
  readonly delivered: MpSentText[] = [];
  readonly typing: string[] = [];
  /** The account's user tags (src/simulator/fake-mp-user-tags.ts). */
  readonly userTags = new FakeMpUserTags();
  /** Mass sends by tag and their finished events (src/simulator/fake-mp-mass-sends.ts). */
  readonly massSends = new FakeMpMassSends(this.userTags);
  sendRequests = 0;
  tokenFetches = 0;
  forcedRefreshes = 0;
  mediaDownloads = 0;
  /** Every media/get request, answered or refused. */
  mediaRequests = 0;
  /** openids whose 48-hour window is closed: custom/send answers 45015. */
  readonly outsideWindow = new Set<string>();
  /** Messages custom/send still allows per openid, for the users a test says wrote (userWrote). */
  private readonly quota = new Map<string, number>();
  private liveToken?: string;
  private readonly expiredTokens = new Set<string>();
  private readonly faults: MpFault[] = [];
  private readonly media = new Map<string, { bytes: Buffer; contentType: string }>();

  constructor(private readonly options: FakeWechatMpOptions) {
    super();
  }

  /** The next `count` custom/send calls meet `fault` instead of succeeding. */
  failNext(count: number, fault: MpFault): void {
    for (let i = 0; i < count; i++) this.faults.push(fault);
  }

  /** The current token now answers 42001, as after its 7200 s (normal-mode stable_token then issues a new one). */
  expireTokens(): void {
    if (this.liveToken) this.expiredTokens.add(this.liveToken);
    this.liveToken = undefined;
  }

  /** The user sent a message: 5 custom/send messages allowed again (enforced for such users only). */
  userWrote(openid: string): void {
    this.quota.set(openid, 5);
    this.outsideWindow.delete(openid);
  }

  addMedia(mediaId: string, bytes: Buffer, contentType: string): void {
    this.media.set(mediaId, { bytes, contentType });
  }

  deliveredTo(openid: string): string[] {
    return this.delivered.filter((d) => d.touser === openid).map((d) => d.content);
  }

  async waitFor(predicate: () => boolean, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline)
        throw new Error(`fake WeChat: condition not met within ${timeoutMs} ms (delivered: ${JSON.stringify(this.delivered)})`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  private async readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      return undefined;
    }
  }

  /** errcode for a request's access_token, 0 when valid. */
  private tokenError(url: URL): number {
    const token = url.searchParams.get('access_token');
    if (!token) return 41001;
    if (this.expiredTokens.has(token)) return 42001;
    return token === this.liveToken ? 0 : 40001;
  }

  protected override async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'POST' && url.pathname === '/cgi-bin/stable_token') return this.stableToken(await this.readJson(req), res);
    if (req.method === 'GET' && url.pathname === '/cgi-bin/media/get') return this.mediaGet(url, res);
    if (req.method === 'POST' && url.pathname === '/cgi-bin/message/custom/send')
      return this.customSend(url, await this.readJson(req), res);
    if (req.method === 'POST' && url.pathname === '/cgi-bin/message/custom/typing') {
      const body = await this.readJson(req);
      const tokenError = this.tokenError(url);
      if (tokenError) return this.json(res, { errcode: tokenError, errmsg: 'token' });
      this.typing.push(String(body?.touser));
      return this.json(res, { errcode: 0, errmsg: 'ok' });
    }
    if (url.pathname.startsWith('/cgi-bin/tags/')) {
      const tokenError = this.tokenError(url);
      if (tokenError) return this.json(res, { errcode: tokenError, errmsg: 'token' });
      const answer = this.userTags.handle(
        url.pathname.slice('/cgi-bin/tags/'.length),
        req.method === 'POST' ? await this.readJson(req) : undefined,
      );
      if (answer) return this.json(res, answer);
    }
    if (url.pathname === '/cgi-bin/message/mass/sendall' || url.pathname === '/cgi-bin/user/tag/get') {
      const tokenError = this.tokenError(url);
      if (tokenError) return this.json(res, { errcode: tokenError, errmsg: 'token' });
      const answer = await this.massSends.handle(url.pathname.slice('/cgi-bin/'.length), await this.readJson(req));
      if (answer) return this.json(res, answer);
    }
    res.statusCode = 404;
    res.end();
  }

  private stableToken(body: Record<string, unknown> | undefined, res: ServerResponse) {
    if (body?.grant_type !== 'client_credential') return this.json(res, { errcode: 40002, errmsg: 'invalid grant_type' });
    if (body.appid !== this.options.appId) return this.json(res, { errcode: 40013, errmsg: 'invalid appid' });
    if (body.secret !== this.options.appSecret) return this.json(res, { errcode: 40125, errmsg: 'invalid appsecret' });
    this.tokenFetches++;
    // Normal mode hands back the live token; force_refresh invalidates it and issues a new one.
    if (body.force_refresh === true) {
      this.forcedRefreshes++;
      if (this.liveToken) this.expiredTokens.add(this.liveToken);
      this.liveToken = undefined;
    }
    this.liveToken ??= `mp-token-${this.tokenFetches}-${Math.random().toString(36).slice(2)}`;
    this.json(res, { access_token: this.liveToken, expires_in: 7200 });
  }

  private mediaGet(url: URL, res: ServerResponse) {
    this.mediaRequests++;
    const tokenError = this.tokenError(url);
    if (tokenError) return this.json(res, { errcode: tokenError, errmsg: 'token' });
    const item = this.media.get(url.searchParams.get('media_id') ?? '');
    if (!item) return this.json(res, { errcode: 40007, errmsg: 'invalid media_id' });
    this.mediaDownloads++;
    res.setHeader('content-type', item.contentType);
    res.end(item.bytes);
  }

  private async customSend(url: URL, body: Record<string, unknown> | undefined, res: ServerResponse): Promise<void> {
    this.sendRequests++;
    const tokenError = this.tokenError(url);
    if (tokenError) return this.json(res, { errcode: tokenError, errmsg: 'access_token invalid or expired' });
    const fault = this.faults.shift();
    if (fault && 'delayMs' in fault) await new Promise((r) => setTimeout(r, fault.delayMs));
    else if (fault && 'httpStatus' in fault) {
      res.statusCode = fault.httpStatus;
      return void res.end('upstream error');
    } else if (fault) return this.json(res, { errcode: fault.errcode, errmsg: fault.errmsg ?? 'injected' });
    if (!body) return this.json(res, { errcode: 47001, errmsg: 'data format error' });
    const touser = String(body.touser ?? '');
    if (body.msgtype !== 'text') return this.json(res, { errcode: 40008, errmsg: 'invalid message type' });
    const content = (body.text as { content?: string } | undefined)?.content ?? '';
    if (!touser) return this.json(res, { errcode: 40003, errmsg: 'invalid openid' });
    if (this.outsideWindow.has(touser))
      return this.json(res, { errcode: 45015, errmsg: 'response out of time limit or subscription is canceled' });
    const left = this.quota.get(touser);
    if (left === 0) return this.json(res, { errcode: 45047, errmsg: 'out of response count limit' });
    if (left !== undefined) this.quota.set(touser, left - 1);
    this.delivered.push({ touser, content, at: Date.now() });
    this.json(res, { errcode: 0, errmsg: 'ok' });
  }
}
