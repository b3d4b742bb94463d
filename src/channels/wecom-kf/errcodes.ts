/**
 * WeCom Customer Service errcodes kefu-hub acts on, from 全局错误码
 * https://developer.work.weixin.qq.com/document/path/90313 . Anything not listed as retryable is
 * permanent: recorded with its code, not retried, and the conversation goes to a human.
 */

/** The access token is invalid or expired: refresh it and call again. */
export const TOKEN_REJECTED = new Set([40001, 40014, 42001]);

/** Trying again later can succeed. */
export const RETRYABLE = new Set([
  -1, // 系统繁忙
  45009, // 接口调用超过限制
  45033, // 接口并发调用超过限制
]);

/** sync_msg refused the callback's Token (expired after 10 min): sync again without it. */
export const MSG_TOKEN_REJECTED = 95007;

export const DESCRIPTIONS: Record<number, string> = {
  [-1]: 'system busy',
  40001: 'invalid credential',
  40014: 'invalid access_token',
  42001: 'access_token expired',
  45009: 'API frequency limit',
  45033: 'API concurrency limit',
  95007: 'invalid msg token (不合法的msgtoken)',
  95018: 'session state does not allow this (e.g. a servicer already has the session, or it ended)',
};

export function describeErrcode(errcode: number, errmsg?: string): string {
  return `errcode ${errcode}${DESCRIPTIONS[errcode] ? ` (${DESCRIPTIONS[errcode]})` : ''}${errmsg ? `: ${errmsg}` : ''}`;
}
