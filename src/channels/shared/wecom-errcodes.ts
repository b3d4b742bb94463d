/**
 * WeCom errcodes kefu-hub acts on (self-built apps and Customer Service alike), from 全局错误码
 * https://developer.work.weixin.qq.com/document/path/90313 . Anything not listed as retryable is
 * treated as permanent: recorded with its code, not retried, and the conversation goes to a human —
 * a loop of futile retries helps no customer.
 */

/** The access token is invalid or expired: refresh it and call again. */
export const TOKEN_REJECTED = new Set([
  40001, // 不合法的secret参数 / invalid credential
  40014, // 不合法的access_token
  42001, // access_token已过期
]);

/** Trying again later can succeed. */
export const RETRYABLE = new Set([
  -1, // 系统繁忙
  45009, // 接口调用超过限制 (frequency limit)
  45033, // 接口并发调用超过限制
]);

export const DESCRIPTIONS: Record<number, string> = {
  [-1]: 'system busy',
  40001: 'invalid credential',
  40003: 'invalid UserID',
  40014: 'invalid access_token',
  42001: 'access_token expired',
  44004: 'empty text content',
  45009: 'API frequency limit',
  45033: 'API concurrency limit',
  40068: 'invalid tag id (or a corp tag another app created)',
  40096: 'invalid external_userid',
  48002: 'API not permitted for this app',
  60011: 'no privilege for this member, department or tag (outside the app’s visible range)',
  84061: 'no such external contact relationship',
  60020: 'caller IP is not in the trusted IP list (企业可信IP)',
  81013: 'no valid recipient (UserID/party/tag all invalid or out of the app’s visible range)',
  82001: 'recipient list empty',
  95007: 'invalid msg token (不合法的msgtoken)',
  95014: 'servicer is not on duty (接待人员不在接待中)',
  95018:
    'session state does not allow sending: a servicer has the session, it ended, or the 48-hour window or its 5 messages are used up (send msg session status invalid)',
};

export function describeErrcode(errcode: number, errmsg?: string): string {
  return `errcode ${errcode}${DESCRIPTIONS[errcode] ? ` (${DESCRIPTIONS[errcode]})` : ''}${errmsg ? `: ${errmsg}` : ''}`;
}
