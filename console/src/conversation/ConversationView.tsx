import { ArrowLeftOutlined } from '@ant-design/icons';
import { Button, Result, Spin, Tag, Typography } from 'antd';
import type { ReactNode } from 'react';
import type { Me } from '../api/client';
import { channelLabel, reasonLabel, STATUS_LABELS } from '../app/labels';
import { managesConversations } from '../auth/session';
import { Composer } from './Composer';
import { ConversationActions } from './ConversationActions';
import { useConversation } from './conversation-queries';
import { MessageHistory } from './MessageHistory';

export interface ConversationViewProps {
  id: number;
  me: Me;
  /** On a phone: back to the list. */
  onBack?: () => void;
  /** Panels beside the history (customer, knowledge search, …), each a card in the right column. */
  aside?: ReactNode;
}

/** One conversation: who and where, what can be done, the whole history, and the reply and note box. */
export function ConversationView({ id, me, onBack, aside }: ConversationViewProps) {
  const conversation = useConversation(id);
  if (conversation.isPending) return <Spin className="conversation-loading" />;
  if (conversation.isError) return <Result status="warning" title="无法打开会话" subTitle={conversation.error.message} />;
  const c = conversation.data;
  const status = STATUS_LABELS[c.status];
  const holdsIt = c.status === 'human' && (c.assignee === me.user.id || managesConversations(me));
  return (
    <div className="conversation">
      <div className="conversation-main">
        <header className="conversation-header">
          {onBack && <Button type="text" icon={<ArrowLeftOutlined />} aria-label="返回会话列表" onClick={onBack} />}
          <div className="conversation-title">
            <Typography.Title level={5} className="customer-name">
              {c.customer.displayName ?? c.customer.externalId}
            </Typography.Title>
            <div>
              <Tag>{channelLabel(c.channel)}</Tag>
              <Tag color={status.color}>{status.text}</Tag>
              {c.status === 'needs_human' && reasonLabel(c.handoffReason) && <Tag color="gold">{reasonLabel(c.handoffReason)}</Tag>}
              {c.status === 'human' && <Tag>{c.assignee === me.user.id ? '由我接待' : `接待人 #${c.assignee}`}</Tag>}
            </div>
          </div>
          <ConversationActions conversation={c} me={me} />
        </header>
        <MessageHistory id={id} />
        <Composer id={id} canReply={holdsIt} />
      </div>
      {aside && <aside className="conversation-aside">{aside}</aside>}
    </div>
  );
}
