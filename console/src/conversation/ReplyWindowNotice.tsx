import { Alert } from 'antd';
import dayjs from 'dayjs';
import type { ReplyWindow } from '../api/client';

/** Why the platform lets us send nothing now (docs/agents.md, "Per channel"). */
export function closedReason(window: ReplyWindow, servicerUserId: string | null): string {
  if (window.reason === 'held_by_servicer') return `企业微信接待人员 ${servicerUserId ?? ''} 正在接待，结束前不能在这里回复`;
  if (window.reason === 'quota_spent') return `客户上次发消息后可发的 ${window.limit ?? ''} 条消息已用完，客户再次发消息后才能回复`;
  return '客户 48 小时内没有发消息，回复窗口已关闭，客户再次发消息后才能回复';
}

/**
 * What the channel lets us send now, above the reply box: the time and messages left while a
 * window is open (公众号, 微信客服), or why it is closed. Channels without a window show nothing.
 */
export function ReplyWindowNotice({ window, servicerUserId, now }: { window: ReplyWindow; servicerUserId: string | null; now: Date }) {
  if (!window.open)
    return (
      <Alert className="reply-window" type="warning" showIcon title="现在不能回复" description={closedReason(window, servicerUserId)} />
    );
  if (window.closesAt === null && window.remaining === null) return null;
  const parts = [
    window.closesAt && `回复窗口 ${dayjs(window.closesAt).from(now, true)}后关闭`,
    window.remaining !== null && `还可发 ${window.remaining}${window.limit !== null ? `/${window.limit}` : ''} 条`,
  ].filter(Boolean);
  return <Alert className="reply-window" type="info" showIcon title={parts.join('，')} />;
}
