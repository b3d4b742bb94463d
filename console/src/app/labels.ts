import type { ConversationStatus, StaffUser } from '../api/client';

/** What agents read for the server's codes: roles, statuses, channels, handoff reasons (src/brain/handoff/handoff-policy.ts). */
export const ROLE_LABELS: Record<StaffUser['role'], string> = { admin: '管理员', supervisor: '主管', agent: '客服', marketer: '运营' };

export const STATUS_LABELS: Record<ConversationStatus, { text: string; color: string }> = {
  bot: { text: '机器人接待', color: 'default' },
  needs_human: { text: '等待人工', color: 'orange' },
  human: { text: '人工接待中', color: 'blue' },
  closed: { text: '已关闭', color: 'default' },
};

export const CHANNEL_LABELS: Record<string, string> = {
  web: '网页',
  wecom: '企业微信',
  'wecom-kf': '微信客服',
  'wechat-mp': '公众号',
  'wecom-aibot': '企业微信机器人',
};

const REASON_LABELS: Record<string, string> = {
  customer_asked: '客户要求人工',
  sensitive: '敏感问题',
  complaint: '投诉',
  vip: 'VIP 客户',
  low_confidence: '机器人多次答不上',
  segment: '指定客户分群',
  no_answer: '机器人答不上',
  delivery_failed: '消息发送失败',
};

/** `delivery_failed:wecom:81013` reads as its kind; the platform's code stays in the title for whoever needs it. */
export function reasonLabel(reason: string | null | undefined): string | null {
  if (!reason) return null;
  return REASON_LABELS[reason.split(':')[0]!] ?? reason;
}

export const channelLabel = (channel: string) => CHANNEL_LABELS[channel] ?? channel;
