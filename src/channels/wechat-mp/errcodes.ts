/**
 * Official Account errcodes kefu-hub acts on, from 全局返回码
 * https://developers.weixin.qq.com/doc/offiaccount/Getting_Started/Global_Return_Code.html and the
 * customer-service message page (客服消息)
 * https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Service_Center_messages.html .
 * Anything not listed as retryable is permanent: recorded with its code, not retried, and the
 * conversation goes to a human.
 */

/** The access token is invalid or expired: refresh it and send again. */
export const TOKEN_REJECTED = new Set([
  40001, // invalid credential / access_token invalid or not latest
  40014, // 不合法的 access_token
  42001, // access_token 超时
]);

/**
 * Trying again later can succeed; the value is the least delay worth waiting (ms). Not 45015 (the
 * 48-hour window is over) nor 45047 (the 5 messages of the user's last action are used up): only
 * the user writing again reopens them, which no retry can wait for, so the delivery fails for good
 * with that reason and the console shows it (src/channels/wechat-mp/reply-window.ts).
 */
export const RETRY_AFTER_MS = new Map<number, number>([
  [-1, 1_000], // 系统繁忙
  [45009, 10 * 60_000], // 接口调用超过限制 (daily API quota)
]);

export const DESCRIPTIONS: Record<number, string> = {
  [-1]: 'system busy',
  40001: 'invalid credential',
  40003: 'invalid openid',
  40007: 'invalid media_id (unknown, or older than the 3 days WeChat keeps temporary media)',
  40014: 'invalid access_token',
  42001: 'access_token expired',
  43004: 'recipient does not follow the account',
  45009: 'API daily quota reached',
  45015: 'outside the 48-hour reply window (回复时间超过限制)',
  45028: 'no mass-send quota left (群发次数已用完)',
  45065: 'clientmsgid already used: this mass send was submitted before',
  45047: 'too many customer-service messages for this user action (客服接口下行条数超过上限)',
  48001: 'API not authorized for this account',
  61004: 'caller IP is not in the IP whitelist',
};

export function describeErrcode(errcode: number, errmsg?: string): string {
  return `errcode ${errcode}${DESCRIPTIONS[errcode] ? ` (${DESCRIPTIONS[errcode]})` : ''}${errmsg ? `: ${errmsg}` : ''}`;
}
