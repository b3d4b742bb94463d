import type { Redis } from 'ioredis';
import type { WechatMpAccount } from './config.ts';
import { DeliveryError } from '../../errors.ts';
import { AccessTokenCache, callWithFreshTokenRetry } from '../../lib/access-token-cache.ts';
import { requestJson } from '../../lib/http-json.ts';
import { postWithAccessToken } from '../shared/post-with-access-token.ts';
import { describeErrcode, RETRY_AFTER_MS, TOKEN_REJECTED } from './errcodes.ts';

export interface WechatResponse {
  errcode?: number;
  errmsg?: string;
}

/**
 * One Official Account's server API. The access token comes from stable_token
 * (https://developers.weixin.qq.com/doc/offiaccount/Basic_Information/getStableAccessToken.html):
 * POST {grant_type: client_credential, appid, secret, force_refresh}; 7200 s; in normal mode
 * repeated calls return the same token (WeChat renews it 5 min before expiry), force_refresh
 * invalidates the old one (20 a day, 30 s apart). It is cached in Redis and shared by every process.
 */
export class WechatMpApiClient {
  readonly tokens: AccessTokenCache;
  /** Set when WeChat rejected a cached token: the normal mode would hand the same one back. */
  private forceNextRefresh = false;

  constructor(
    readonly account: WechatMpAccount,
    redis: Redis,
    onTokenFetched: () => void,
    private readonly timeoutMs = 10_000,
  ) {
    this.tokens = new AccessTokenCache({
      redis,
      key: `wechat-mp:token:${account.appId}`,
      fetchToken: () => this.fetchToken(),
      onFetched: onTokenFetched,
    });
  }

  private async fetchToken() {
    const force = this.forceNextRefresh;
    this.forceNextRefresh = false;
    const res = await requestJson<WechatResponse & { access_token?: string; expires_in?: number }>({
      url: new URL('/cgi-bin/stable_token', this.account.apiBase).href,
      body: { grant_type: 'client_credential', appid: this.account.appId, secret: this.account.appSecret, force_refresh: force },
      timeoutMs: this.timeoutMs,
    });
    if (!res.access_token) throw new Error(`WeChat stable_token failed: ${describeErrcode(res.errcode ?? -2, res.errmsg)}`);
    return { token: res.access_token, expiresInSeconds: res.expires_in ?? 7200 };
  }

  /** A URL of the API with the current token, for callers that need the raw response (media/get). */
  async urlWithToken(path: string, params: Record<string, string> = {}): Promise<{ url: string; token: string }> {
    const token = await this.tokens.get();
    const url = new URL(path, this.account.apiBase);
    url.searchParams.set('access_token', token);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
    return { url: url.href, token };
  }

  /** The caller saw `token` rejected (40001/40014/42001): drop it and force a fresh one next time. */
  async rejectToken(token: string): Promise<void> {
    this.forceNextRefresh = true;
    await this.tokens.invalidate(token);
  }

  /**
   * POSTs JSON with the cached token. A rejected token is dropped and the call made once more with
   * a fresh one. Failures become DeliveryErrors that say whether a retry can help.
   */
  async post<T extends WechatResponse>(path: string, body: unknown): Promise<T> {
    const res = await callWithFreshTokenRetry({
      token: () =>
        this.tokens.get().catch((err) => {
          throw new DeliveryError(true, 'wechat-mp:stable_token', (err as Error).message);
        }),
      call: (token) => postWithAccessToken<T>(this.account.apiBase, path, body, token, this.timeoutMs),
      rejected: (answer) => TOKEN_REJECTED.has(answer.errcode ?? 0),
      drop: (token) => this.rejectToken(token),
    });
    const errcode = res.errcode ?? 0;
    if (errcode === 0) return res;
    const retryAfter = RETRY_AFTER_MS.get(errcode);
    throw new DeliveryError(
      retryAfter !== undefined || TOKEN_REJECTED.has(errcode),
      `wechat-mp:${errcode}`,
      describeErrcode(errcode, res.errmsg),
      retryAfter,
    );
  }
}
