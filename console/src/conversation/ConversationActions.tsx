import { Button, Popconfirm, Select, Space } from 'antd';
import type { Conversation, Me } from '../api/client';
import { ROLE_LABELS } from '../app/labels';
import { managesConversations } from '../auth/session';
import { conversationActions, useAssignableUsers, useConversationAction } from './conversation-queries';
import { HandToServicer } from './HandToServicer';
import { TransferToTeam } from './TransferToTeam';

/**
 * Take, assign, transfer to a team, hand to a 微信客服 servicer, resolve and close, offered as docs/agents.md ("Who may do what") allows them; the
 * server checks again and a refusal (409 someone was quicker, 403) is shown by the action itself.
 */
export function ConversationActions({ conversation: c, me }: { conversation: Conversation; me: Me }) {
  const manager = managesConversations(me);
  const mine = c.status === 'human' && c.assignee === me.user.id;
  const take = useConversationAction(c.id, () => conversationActions.assign(c.id, 'me'), { done: '已接入，现在可以回复客户' });
  const assign = useConversationAction(c.id, (userId: number) => conversationActions.assign(c.id, userId), { done: '已分配' });
  const resolve = useConversationAction(c.id, () => conversationActions.resolve(c.id), {
    done: '已解决，机器人将继续接待',
    leave: true,
  });
  const close = useConversationAction(c.id, () => conversationActions.close(c.id), { done: '会话已关闭', leave: true });
  const users = useAssignableUsers(me.user.role === 'admin' && c.status !== 'closed');
  if (c.status === 'closed') return null;
  const canTake = !mine && (c.status !== 'human' || manager);
  const inHand = c.status === 'human' && (mine || manager);
  return (
    <Space wrap className="conversation-actions">
      {canTake && (
        <Button type="primary" loading={take.isPending} onClick={() => take.mutate(undefined)}>
          {c.status === 'human' ? '转给我' : '接入'}
        </Button>
      )}
      {users.data && (
        <Select
          className="assign-select"
          placeholder="分配给…"
          aria-label="分配给其他客服"
          loading={assign.isPending}
          value={null}
          options={users.data
            .filter((u) => u.id !== c.assignee)
            .map((u) => ({ value: u.id, label: `${u.displayName}（${ROLE_LABELS[u.role]}）` }))}
          onChange={(userId: number) => assign.mutate(userId)}
        />
      )}
      {inHand && <TransferToTeam conversationId={c.id} />}
      {c.channel === 'wecom-kf' && (inHand || c.status !== 'human') && !c.servicerUserId && <HandToServicer conversationId={c.id} />}
      {inHand && (
        <Button loading={resolve.isPending} onClick={() => resolve.mutate(undefined)}>
          解决
        </Button>
      )}
      {inHand && (
        <Popconfirm
          title="关闭会话？"
          description="客户再发消息时会开始新会话。"
          okText="关闭"
          cancelText="取消"
          onConfirm={() => close.mutate(undefined)}
        >
          <Button danger loading={close.isPending}>
            关闭
          </Button>
        </Popconfirm>
      )}
    </Space>
  );
}
