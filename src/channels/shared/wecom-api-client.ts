import type { Redis } from 'ioredis';
import { DeliveryError } from '../../errors.ts';
import { AccessTokenCache, callWithFreshTokenRetry } from '../../lib/access-token-cache.ts';
import { requestJson } from '../../lib/http-json.ts';
import { postWithAccessToken } from './post-with-access-token.ts';
import { describeErrcode, RETRYABLE, TOKEN_REJECTED } from './wecom-errcodes.ts';

export interface WecomResponse {
  errcode: number;
  errmsg?: string;
}

export interface WecomApiCredentials {
  corpId: string;
  secret: string;
  apiBase: string;
}

export interface WecomApiClientOptions {
  redis: Redis;
  /** Redis key of the cached token: one per credential. */
  tokenKey: string;
  /** Prefix of platform codes in errors and metrics: 'wecom' or 'wecom-kf'. */
  codePrefix: string;
  onTokenFetched: () => void;
  timeoutMs?: number;
}

/**
 * The WeCom server API for one credential (a self-built app's secret, or the secret of the app that
 * may call 微信客服): the access token from gettoken (https://developer.work.weixin.qq.com/document/path/91039:
 * expires_in 7200 s, calls rate limited, so cached in Redis and shared by every process), then
 * POSTs with it.
 */
export class WecomApiClient {
  readonly tokens: AccessTokenCache;
  private readonly timeoutMs: number;

  constructor(
    private readonly credentials: WecomApiCredentials,
    private readonly options: WecomApiClientOptions,
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.tokens = new AccessTokenCache({
      redis: options.redis,
      key: options.tokenKey,
      fetchToken: () => this.fetchToken(),
      onFetched: options.onTokenFetched,
      // gettoken hands out the same token while it is valid ("有效期内重复获取返回相同结果",
      // https://developer.work.weixin.qq.com/document/path/91039), so no process's refresh revokes
      // the one another holds: each may keep what it read for a minute.
      rememberMs: 60_000,
    });
  }

  private async fetchToken() {
    const url = new URL('/cgi-bin/gettoken', this.credentials.apiBase);
    url.searchParams.set('corpid', this.credentials.corpId);
    url.searchParams.set('corpsecret', this.credentials.secret);
    const res = await requestJson<WecomResponse & { access_token?: string; expires_in?: number }>({
      url: url.href,
      timeoutMs: this.timeoutMs,
    });
    if (res.errcode !== 0 || !res.access_token) throw new Error(`WeCom gettoken failed: ${describeErrcode(res.errcode, res.errmsg)}`);
    return { token: res.access_token, expiresInSeconds: res.expires_in ?? 7200 };
  }

  /**
   * POSTs with the cached token. A token WeCom rejects (40014/42001/40001) is dropped and the call
   * made once more with a fresh one. Failures become DeliveryErrors that say whether a retry can
   * help, with the errcode as platform code ("<codePrefix>:<errcode>").
   */
  async post<T extends WecomResponse>(path: string, body: unknown): Promise<T> {
    return this.call<T>(path, body);
  }

  /** A GET API (kf/servicer/list, …): the parameters go in the query string beside the token. */
  async get<T extends WecomResponse>(path: string, query: Record<string, string>): Promise<T> {
    return this.call<T>(`${path}?${new URLSearchParams(query)}`, undefined);
  }

  /** Without a body the request is a GET (src/lib/http-json.ts). */
  private async call<T extends WecomResponse>(path: string, body: unknown): Promise<T> {
    const prefix = this.options.codePrefix;
    const res = await callWithFreshTokenRetry({
      token: () =>
        this.tokens.get().catch((err) => {
          throw new DeliveryError(true, `${prefix}:gettoken`, (err as Error).message);
        }),
      call: (token) => postWithAccessToken<T>(this.credentials.apiBase, path, body, token, this.timeoutMs),
      rejected: (answer) => TOKEN_REJECTED.has(answer.errcode),
      drop: (token) => this.tokens.invalidate(token),
    });
    if (res.errcode === 0) return res;
    throw new DeliveryError(
      RETRYABLE.has(res.errcode) || TOKEN_REJECTED.has(res.errcode),
      `${prefix}:${res.errcode}`,
      describeErrcode(res.errcode, res.errmsg),
    );
  }
}
