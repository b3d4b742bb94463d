import type { AgentNotifySettings } from '../config/agent-notify.ts';
import type { WaitingConversation } from '../conversations/waiting-conversation.ts';

/** How many characters of the customer's last message a notice quotes (AGENT_NOTIFY_PREVIEW). */
export const PREVIEW_CHARS = 60;

const CHANNEL_NAMES: Record<string, string> = {
  wecom: '企业微信',
  'wechat-mp': '公众号',
  'wecom-kf': '微信客服',
  'wecom-aibot': '企业微信智能机器人',
  web: '网页',
};
const REASONS: Record<string, string> = {
  customer_asked: '客户要求人工',
  sensitive: '敏感问题',
  complaint: '客户投诉',
  vip: 'VIP 客户',
  low_confidence: '机器人多次未能回答',
  segment: '指定分群客户',
  no_answer: '机器人无法回答',
  job_failed: '处理失败',
};

function reasonText(reason: string | null): string {
  if (!reason) return '等待人工';
  if (reason.startsWith('delivery_failed')) return '消息发送失败';
  return REASONS[reason] ?? reason;
}

/** Cut by characters (code points), never inside a surrogate pair; an ellipsis says it was cut. */
function preview(text: string): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  return chars.length > PREVIEW_CHARS ? `${chars.slice(0, PREVIEW_CHARS).join('')}…` : chars.join('');
}

/**
 * The text of the WeCom notice to on-duty agents. It names the conversation by `#id`, which is
 * also how an agent answers it from WeCom (src/agent-notices/staff-reply-command.ts).
 */
export function waitingNoticeText(conversation: WaitingConversation, settings: AgentNotifySettings): string {
  const lines = [
    `【待人工】#${conversation.id} ${CHANNEL_NAMES[conversation.channel] ?? conversation.channel} · ${reasonText(conversation.handoffReason)}`,
    `排队第 ${conversation.position} 位`,
  ];
  if (settings.preview && conversation.lastCustomerText) lines.push(`客户：${preview(conversation.lastCustomerText)}`);
  if (settings.conversationLinkBase) lines.push(`打开：${settings.conversationLinkBase}${conversation.id}`);
  lines.push(`直接回复即可答复客户（或发送“#${conversation.id} 内容”；“#${conversation.id} 结束”交回机器人）`);
  return lines.join('\n');
}
