import { Badge, List, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import type { ReactNode } from 'react';
import type { Conversation, Me } from '../api/client';
import { channelLabel, reasonLabel, STATUS_LABELS } from '../app/labels';

/** A time of the server's, never after this browser's now: a clock a little behind must not say "in a few seconds". */
const past = (at: string, now: Date) => dayjs(Math.min(Date.parse(at), now.getTime()));

/**
 * One conversation of the inbox, with the number of the customer's messages the caller has not
 * read; a button for the keyboard too (Enter or Space opens it). `children`: a search's snippet.
 */
export function InboxItem(props: {
  conversation: Conversation;
  me: Me;
  now: Date;
  selected: boolean;
  onOpen(): void;
  children?: ReactNode;
}) {
  const { conversation: c, me, now, selected, onOpen, children } = props;
  const status = STATUS_LABELS[c.status];
  const reason = reasonLabel(c.handoffReason);
  return (
    <List.Item
      className={`inbox-item${selected ? ' selected' : ''}`}
      data-conversation-id={c.id}
      role="button"
      tabIndex={0}
      aria-current={selected || undefined}
      onClick={onOpen}
      onKeyDown={(event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          onOpen();
        }
      }}
    >
      <div className="inbox-item-body">
        <div className="inbox-item-top">
          <Typography.Text strong ellipsis>
            {c.customer.displayName ?? c.customer.externalId}
          </Typography.Text>
          <span className="inbox-item-time">
            <Typography.Text type="secondary">{past(c.lastMessageAt, now).from(now)}</Typography.Text>
            {c.unread > 0 && <Badge className="unread" count={c.unread} title={`${c.unread} 条未读`} />}
          </span>
        </div>
        <Space size={4} wrap>
          <Tag>{channelLabel(c.channel)}</Tag>
          <Tag color={status.color}>{status.text}</Tag>
          {c.status === 'needs_human' && c.waitingSince && (
            <Tag color="red" className="waiting-time">
              已等待 {past(c.waitingSince, now).from(now, true)}
            </Tag>
          )}
          {c.status === 'needs_human' && reason && (
            <Tag color="gold" title={c.handoffReason ?? undefined}>
              {reason}
            </Tag>
          )}
          {c.status === 'human' && c.assignee === me.user.id && <Tag color="blue">我接待</Tag>}
        </Space>
        {children}
      </div>
    </List.Item>
  );
}
