import { Tag, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import type { ConversationMessage } from '../api/client';
import { BotDecision } from './BotDecision';

const KIND_LABELS: Record<string, string> = {
  image: '[图片]',
  voice: '[语音]',
  video: '[视频]',
  file: '[文件]',
  location: '[位置]',
  link: '[链接]',
};

function authorOf(m: ConversationMessage): string {
  if (m.sender === 'customer') return '客户';
  if (m.sender === 'bot') return '机器人';
  if (m.sender === 'agent') return m.staff?.name || '客服';
  return '系统';
}

/**
 * One entry of the history. Customers on the left, the bot and people on the right, each named;
 * notes stand out as internal (never sent); system notices (hold messages) are centred.
 */
export function MessageItem({ message: m }: { message: ConversationMessage }) {
  const note = m.kind === 'note';
  const role = note ? 'note' : m.sender;
  const time = dayjs(m.createdAt);
  return (
    <li className={`message ${role}`} data-message-id={m.id} data-sender={m.sender} data-kind={m.kind}>
      <div className="message-meta">
        <Typography.Text strong>{authorOf(m)}</Typography.Text>
        {note && <Tag color="gold">内部备注 · 客户不可见</Tag>}
        {m.sender === 'system' && m.meta.holdNotice === true && <Tag>等待提示</Tag>}
        <Tooltip title={time.format('YYYY-MM-DD HH:mm:ss')}>
          <Typography.Text type="secondary" className="message-time">
            {time.format('HH:mm')}
          </Typography.Text>
        </Tooltip>
        {m.status === 'failed' && <Tag color="red">发送失败</Tag>}
      </div>
      <div className="message-body">{m.text ?? KIND_LABELS[m.kind] ?? `[${m.kind}]`}</div>
      {m.sender === 'bot' && <BotDecision meta={m.meta} />}
    </li>
  );
}
