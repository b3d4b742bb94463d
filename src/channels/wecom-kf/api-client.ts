import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { WecomKfAccount } from '../../config/wechat-accounts.ts';
import { DeliveryError } from '../../errors.ts';
import { AccessTokenCache } from '../../lib/access-token-cache.ts';
import { HttpTransportError, requestJson } from '../../lib/http-json.ts';
import { describeErrcode, RETRYABLE, TOKEN_REJECTED } from './errcodes.ts';

export interface KfResponse {
  errcode: number;
  errmsg?: string;
}

/**
 * The WeCom Customer Service API of one corp: the token from gettoken with the secret of the app
 * allowed to call 微信客服 (https://developer.work.weixin.qq.com/document/path/91039, 7200 s,
 * cached in Redis and shared), then POSTs to /cgi-bin/kf/*.
 */
export class WecomKfApiClient {
  readonly tokens: AccessTokenCache;

  constructor(
    readonly account: WecomKfAccount,
    redis: Redis,
    onTokenFetched: () => void,
    private readonly timeoutMs = 10_000,
  ) {
    // One corp may have several apps; the secret (hashed, never stored) tells their tokens apart.
    const secretId = createHash('sha1').update(account.secret).digest('hex').slice(0, 12);
    this.tokens = new AccessTokenCache({
      redis,
      key: `wecom-kf:token:${account.corpId}:${secretId}`,
      fetchToken: () => this.fetchToken(),
      onFetched: onTokenFetched,
    });
  }

  private async fetchToken() {
    const url = new URL('/cgi-bin/gettoken', this.account.apiBase);
    url.searchParams.set('corpid', this.account.corpId);
    url.searchParams.set('corpsecret', this.account.secret);
    const res = await requestJson<KfResponse & { access_token?: string; expires_in?: number }>({ url: url.href, timeoutMs: this.timeoutMs });
    if (res.errcode !== 0 || !res.access_token) throw new Error(`WeCom gettoken failed: ${describeErrcode(res.errcode, res.errmsg)}`);
    return { token: res.access_token, expiresInSeconds: res.expires_in ?? 7200 };
  }

  /**
   * POSTs with the cached token; a rejected token (40014/42001/40001) is dropped and the call made
   * once more. Other failures become DeliveryErrors that say whether a retry can help; `errcode`
   * is kept on the error's platformCode as "wecom-kf:<code>".
   */
  async post<T extends KfResponse>(path: string, body: unknown): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let token: string;
      try {
        token = await this.tokens.get();
      } catch (err) {
        throw new DeliveryError(true, 'wecom-kf:gettoken', (err as Error).message);
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
      throw new DeliveryError(RETRYABLE.has(res.errcode) || TOKEN_REJECTED.has(res.errcode), `wecom-kf:${res.errcode}`, describeErrcode(res.errcode, res.errmsg));
    }
  }
}
