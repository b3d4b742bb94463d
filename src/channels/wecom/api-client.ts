import type { Redis } from 'ioredis';
import type { WecomAccount } from '../../config/env.ts';
import { DeliveryError } from '../../errors.ts';
import { AccessTokenCache } from '../../lib/access-token-cache.ts';
import { HttpTransportError, requestJson } from '../../lib/http-json.ts';
import { describeErrcode, RETRYABLE, TOKEN_REJECTED } from './errcodes.ts';

interface WecomResponse {
  errcode: number;
  errmsg?: string;
}

/**
 * One WeCom self-built app's outbound API: access token and message/send.
 * - gettoken https://developer.work.weixin.qq.com/document/path/91039 : expires_in 7200 s; calls are
 *   rate limited, so the token is cached in Redis and shared by every process.
 * - message/send https://developer.work.weixin.qq.com/document/path/90236 .
 */
export class WecomApiClient {
  readonly tokens: AccessTokenCache;

  constructor(
    private readonly account: WecomAccount,
    redis: Redis,
    onTokenFetched: () => void,
    private readonly timeoutMs = 10_000,
  ) {
    this.tokens = new AccessTokenCache({
      redis,
      key: `wecom:token:${account.corpId}:${account.agentId}`,
      fetchToken: () => this.fetchToken(),
      onFetched: onTokenFetched,
    });
  }

  private async fetchToken() {
    const url = new URL('/cgi-bin/gettoken', this.account.apiBase);
    url.searchParams.set('corpid', this.account.corpId);
    url.searchParams.set('corpsecret', this.account.secret);
    const res = await requestJson<WecomResponse & { access_token?: string; expires_in?: number }>({ url: url.href, timeoutMs: this.timeoutMs });
    if (res.errcode !== 0 || !res.access_token) throw new Error(`WeCom gettoken failed: ${describeErrcode(res.errcode, res.errmsg)}`);
    return { token: res.access_token, expiresInSeconds: res.expires_in ?? 7200 };
  }

  /**
   * POSTs to a WeCom API with the cached token. A token WeCom rejects (40014/42001/40001) is dropped
   * and the call made once more with a fresh one. Failures become DeliveryErrors that say whether
   * a retry can help.
   */
  async post<T extends WecomResponse>(path: string, body: unknown): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let token: string;
      try {
        token = await this.tokens.get();
      } catch (err) {
        throw new DeliveryError(true, 'wecom:gettoken', (err as Error).message);
      }
      const url = new URL(path, this.account.apiBase);
      url.searchParams.set('access_token', token);
      let res: T;
      try {
        res = await requestJson<T>({ url: url.href, body, timeoutMs: this.timeoutMs });
      } catch (err) {
        if (err instanceof HttpTransportError) throw new DeliveryError(true, `http:${err.status ?? 'network'}`, err.message);
        throw err;
      }
      if (res.errcode === 0) return res;
      if (TOKEN_REJECTED.has(res.errcode) && attempt === 1) {
        await this.tokens.invalidate(token);
        continue;
      }
      throw new DeliveryError(RETRYABLE.has(res.errcode) || TOKEN_REJECTED.has(res.errcode), `wecom:${res.errcode}`, describeErrcode(res.errcode, res.errmsg));
    }
  }
}
