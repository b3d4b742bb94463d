import { windowAfterCustomerMessage } from '../shared/window-after-customer-message.ts';
import type { ReplyWindowInput, ReplyWindowState } from '../types.ts';

/**
 * kf/send_msg (发送消息 https://developer.work.weixin.qq.com/document/path/94677): within 48 hours of
 * the customer's message, at most 5 messages; the customer writing again allows 5 more. Sending
 * outside that, or while the session is not in state 0/1, answers 95018. The session state is the
 * conversation's servicer (src/conversations/hand-to-servicer.ts), checked apart from this window.
 */
export const KF_REPLY_WINDOW = { hours: 48, limit: 5 } as const;

export function kfReplyWindow(input: ReplyWindowInput): ReplyWindowState {
  return windowAfterCustomerMessage(input, KF_REPLY_WINDOW);
}
