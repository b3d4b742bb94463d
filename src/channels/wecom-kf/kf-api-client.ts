import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { WecomKfAccount } from './config.ts';
import { WecomApiClient } from '../shared/wecom-api-client.ts';

/** The WeCom API client of one kf account: gettoken with the secret of the app allowed to call 微信客服. */
export function createKfApiClient(account: WecomKfAccount, redis: Redis, onTokenFetched: () => void): WecomApiClient {
  // One corp may have several apps; the secret (hashed, never stored) tells their tokens apart.
  const secretId = createHash('sha1').update(account.secret).digest('hex').slice(0, 12);
  return new WecomApiClient(account, {
    redis,
    tokenKey: `wecom-kf:token:${account.corpId}:${secretId}`,
    codePrefix: 'wecom-kf',
    onTokenFetched,
  });
}
