import type { Redis } from 'ioredis';
import { sleep } from '../../lib/backoff.ts';
import { hitRateLimit } from '../../lib/rate-limit.ts';
import type { WecomApiClient, WecomResponse } from '../shared/wecom-api-client.ts';

/**
 * The 客户联系 APIs (externalcontact/*) of one corp, throttled. Per corp and endpoint: 10,000 calls a
 * minute (and 150,000 an hour), https://developer.work.weixin.qq.com/document/path/90454. Counted in
 * Redis so every process shares the budget; the hour's cap is never reached at this rate for long,
 * so the minute's is the one enforced: a call over it waits for the next window.
 */
const CALLS_PER_MINUTE = 10_000;

export interface ContactApi {
  post<T extends WecomResponse>(path: string, body: unknown): Promise<T>;
  get<T extends WecomResponse>(path: string, query: Record<string, string>): Promise<T>;
}

export function throttledContactApi(corpId: string, client: WecomApiClient, redis: Redis): ContactApi {
  async function admit(path: string): Promise<void> {
    for (;;) {
      const decision = await hitRateLimit(redis, `wecom:corp-tags:${corpId}:${path}`, CALLS_PER_MINUTE, 60_000);
      if (decision.allowed) return;
      await sleep(decision.retryAfterSeconds * 1000);
    }
  }
  return {
    async post(path, body) {
      await admit(path);
      return client.post(path, body);
    },
    async get(path, query) {
      await admit(path);
      return client.get(path, query);
    },
  };
}
