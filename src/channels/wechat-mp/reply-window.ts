import { windowAfterCustomerMessage } from '../shared/window-after-customer-message.ts';
import type { ReplyWindowInput, ReplyWindowState } from '../types.ts';

/**
 * custom/send after a user's message: 5 messages within 48 hours (客服消息下发规则, "用户发送消息 5条
 * 48小时", https://developers.weixin.qq.com/doc/offiaccount/Customer_Service/Customer_Service_Messages.html).
 * Menu clicks, follows and scans give 3 messages for 1 minute only; those are the bot's welcome, not
 * an agent's window, so only messages count. WeChat answers 45015 outside the window and 45047
 * over the quota (src/channels/wechat-mp/errcodes.ts).
 */
export const MP_REPLY_WINDOW = { hours: 48, limit: 5 } as const;

export function mpReplyWindow(input: ReplyWindowInput): ReplyWindowState {
  return windowAfterCustomerMessage(input, MP_REPLY_WINDOW);
}
