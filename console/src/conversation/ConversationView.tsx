import { ArrowLeftOutlined, ProfileOutlined } from '@ant-design/icons';
import { Button, Drawer, Grid, Result, Spin, Tag, Typography } from 'antd';
import { type ReactNode, useState } from 'react';
import type { ConversationDetail, Me } from '../api/client';
import { channelLabel, reasonLabel, STATUS_LABELS } from '../app/labels';
import { overlayContainer } from '../app/overlay-container';
import { useNow } from '../app/use-now';
import { managesConversations } from '../auth/session';
import { Composer } from './Composer';
import { ConversationActions } from './ConversationActions';
import { useConversation } from './conversation-queries';
import { MessageHistory } from './MessageHistory';
import { closedReason, ReplyWindowNotice } from './ReplyWindowNotice';

/** What the side panels get: the conversation, and a way to put text into the reply box. */
export interface AsideTools {
  conversation: ConversationDetail;
  insert(text: string): void;
}

export interface ConversationViewProps {
  id: number;
  me: Me;
  /** On a phone: back to the list. */
  onBack?: () => void;
  /** Panels beside the history (customer, knowledge search, …), each a card in the right column. */
  aside?: (tools: AsideTools) => ReactNode;
}

/**
 * One conversation: who and where, what can be done, the whole history, what the channel lets us
 * send, and the reply and note box. The side panels are a column from antd's `lg` (992 px) up, a
 * drawer below it.
 */
export function ConversationView({ id, me, onBack, aside }: ConversationViewProps) {
  const conversation = useConversation(id);
  const [draft, setDraft] = useState('');
  const [drawerOpen, setDrawerOpen] = useState(false);
  const wide = Grid.useBreakpoint().lg ?? true;
  const now = useNow();
  if (conversation.isPending) return <Spin className="conversation-loading" />;
  if (conversation.isError) return <Result status="warning" title="无法打开会话" subTitle={conversation.error.message} />;
  const c = conversation.data;
  const status = STATUS_LABELS[c.status];
  const holdsIt = c.status === 'human' && (c.assignee === me.user.id || managesConversations(me));
  const replyBlocked = !holdsIt ? '接入会话后才能回复客户' : c.replyWindow.open ? null : closedReason(c.replyWindow, c.servicerUserId);
  const panels = aside?.({
    conversation: c,
    insert: (text) => {
      setDraft((d) => (d.trim() ? `${d}\n${text}` : text));
      setDrawerOpen(false);
    },
  });
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
              {c.status === 'human' && c.assignee !== null && <Tag>{c.assignee === me.user.id ? '由我接待' : `接待人 #${c.assignee}`}</Tag>}
              {c.servicerUserId && <Tag color="purple">企业微信接待人员 {c.servicerUserId}</Tag>}
            </div>
          </div>
          <ConversationActions conversation={c} me={me} />
          {panels && !wide && (
            <Button icon={<ProfileOutlined />} aria-label="客户与知识库" onClick={() => setDrawerOpen(true)}>
              客户
            </Button>
          )}
        </header>
        <MessageHistory id={id} />
        {c.status !== 'closed' && <ReplyWindowNotice window={c.replyWindow} servicerUserId={c.servicerUserId} now={now} />}
        <Composer id={id} replyBlocked={replyBlocked} draft={draft} onDraftChange={setDraft} />
      </div>
      {panels &&
        (wide ? (
          <aside className="conversation-aside">{panels}</aside>
        ) : (
          <Drawer
            title="客户与知识库"
            open={drawerOpen}
            onClose={() => setDrawerOpen(false)}
            size="100%"
            className="aside-drawer"
            getContainer={overlayContainer}
          >
            {panels}
          </Drawer>
        ))}
    </div>
  );
}
